using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Kernel;

namespace Integration.Functions.Console;

/// <summary>
/// The 发起联合执法 form read into the API's plan body. What a person can get wrong in the form is said here, per field and
/// in Chinese; the same body then goes through <see cref="PlanInputs.Plan"/>, so the rules are the API's.
/// </summary>
internal static class PlanForm
{
    /// <summary>Field (as the form and its error links name it) to the label the form shows.</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["planId"] = "计划编号",
        ["title"] = "计划名称",
        ["kind"] = "执法类型",
        ["basis"] = "依据",
        ["leadDepartment"] = "牵头部门",
        ["participants"] = "参与部门",
        ["matters"] = "检查事项",
        ["scope"] = "抽查范围",
        ["sampling"] = "抽查比例",
        ["officersPerTarget"] = "每个对象的执法人员数",
        ["window"] = "检查期间",
        ["publishWithinWorkingDays"] = "结果公示时限",
    };

    public static JsonObject Read(IFormCollection form, DateOnly today, PlanCatalogue catalogue, List<ConsoleFieldError> errors)
    {
        string Text(string name) => form[name].ToString().Trim();
        void Add(string field, string message) => errors.Add(new ConsoleFieldError(field, Labels[field], message));

        var planId = Text("planId");
        if (planId.Length == 0)
        {
            Add("planId", "请填写计划编号。");
        }
        else if (!RecordId.IsValid(planId))
        {
            Add("planId", "只能包含字母、数字、“.”“_”“-”，以字母或数字开头，不超过 64 个字符。");
        }

        if (Text("title").Length == 0)
        {
            Add("title", "请填写计划名称。");
        }
        else if (Text("title").Length > 200)
        {
            Add("title", "计划名称不超过 200 个字。");
        }

        if (!PlanVocabulary.Kinds.Contains(Text("kind")))
        {
            Add("kind", "请选择执法类型。");
        }

        if (Text("basis").Length == 0)
        {
            Add("basis", "请填写开展联合执法的依据。");
        }

        var lead = Text("leadDepartment");
        var participants = form["participants"].Select(p => p ?? "").Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (!catalogue.IsDepartment(lead))
        {
            Add("leadDepartment", "请选择牵头部门。");
        }

        if (participants.Length < 2 || participants.Any(p => !catalogue.IsDepartment(p)))
        {
            Add("participants", "请至少选择两个参与部门：每个参与部门都为抽取贡献随机数。");
        }
        else if (catalogue.IsDepartment(lead) && !participants.Contains(lead))
        {
            Add("participants", "牵头部门须同时是参与部门。");
        }

        if (Text("matterName").Length == 0 || Text("matterBasis").Length == 0)
        {
            Add("matters", "请填写检查事项及其依据。");
        }

        var regions = Text("regions").Split([' ', ',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries);
        if (regions.Any(r => r.Length != 6 || !r.All(char.IsAsciiDigit)))
        {
            Add("scope", "区划代码须为六位数字（GB/T 2260），多个以空格或逗号分隔；留空为全市。");
        }

        var industries = form["industries"].Select(i => i ?? "").Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (industries.Any(i => !catalogue.Industries.Contains(i)))
        {
            Add("scope", "行业须从列表中选择。");
        }

        var ratio = decimal.TryParse(Text("ratioPercent"), NumberStyles.Number, CultureInfo.InvariantCulture, out var r) ? r : (decimal?)null;
        var minimum = int.TryParse(Text("minimum"), NumberStyles.None, CultureInfo.InvariantCulture, out var min) ? min : (int?)null;
        if (ratio is null or < 0 or > 100 || ratio * 100 != decimal.Truncate(ratio.Value * 100) || minimum is null or > 100_000)
        {
            Add("sampling", "抽查比例须为 0 到 100 之间、至多两位小数的百分数；最少抽取数须为不小于 0 的整数。");
        }

        var officers = int.TryParse(Text("officersPerTarget"), NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : (int?)null;
        if (officers is null || officers < DrawSampling.MinimumOfficersPerTarget || officers > PlanInputs.MaxOfficersPerTarget)
        {
            Add("officersPerTarget", $"须为 {DrawSampling.MinimumOfficersPerTarget} 到 {PlanInputs.MaxOfficersPerTarget} 之间的整数。");
        }

        var from = Date(Text("windowFrom"));
        var to = Date(Text("windowTo"));
        if (from is null || to is null)
        {
            Add("window", "请填写检查期间的起止日期。");
        }
        else if (to < from)
        {
            Add("window", "结束日期不能早于开始日期。");
        }
        else if (to < today)
        {
            Add("window", $"结束日期已过（今天是 {today:yyyy年M月d日}）。");
        }

        var publish = int.TryParse(Text("publishWithinWorkingDays"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : (int?)null;
        if (publish is null or < 1 or > PlanInputs.MaxPublishWithinWorkingDays)
        {
            Add("publishWithinWorkingDays", $"须为 1 到 {PlanInputs.MaxPublishWithinWorkingDays} 个工作日。");
        }

        return new JsonObject
        {
            ["planId"] = planId,
            ["title"] = Text("title"),
            ["kind"] = Text("kind"),
            ["basis"] = Text("basis"),
            ["leadDepartment"] = lead,
            ["participants"] = new JsonArray(participants.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
            ["matters"] = new JsonArray(new JsonObject { ["name"] = Text("matterName"), ["basis"] = Text("matterBasis") }),
            ["scope"] = new JsonObject
            {
                ["regions"] = new JsonArray(regions.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
                ["industries"] = new JsonArray(industries.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
            },
            ["sampling"] = new JsonObject
            {
                ["strata"] = new JsonArray(new JsonObject { ["name"] = PlanVocabulary.DefaultStratum, ["ratioPercent"] = ratio ?? 0, ["minimum"] = minimum ?? 0 }),
            },
            ["officersPerTarget"] = officers ?? 0,
            ["window"] = new JsonObject { ["from"] = Text("windowFrom"), ["to"] = Text("windowTo") },
            ["publishWithinWorkingDays"] = publish ?? 0,
        };
    }

    private static DateOnly? Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && ChinaTime.IsSupported(date) ? date : null;
}
