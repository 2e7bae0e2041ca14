using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Identifiers;
using Integration.Functions.Identity;
using Microsoft.Extensions.Configuration;

namespace Integration.Benchmarks.Suites;

/// <summary>One approval as the feed serves it: its place in the feed's order and its JSON, serialised once.</summary>
internal sealed record BenchFeedItem(long UpdatedAtTicks, string ApprovalId, byte[] Json);

/// <summary>
/// Generated approvals of Weihai that pass the platform's validation, spread over the industry catalogue so that
/// routing fans out: most industries to their own department, housing projects that buy equipment to housing and
/// industry, energy and telecom (no line in the responsibility list) to the coordinator. Tender methods, approval kinds
/// and regions vary as well. The same count always gives the same approvals.
/// </summary>
internal static class BenchApprovals
{
    private const string Emergency = "属于抢险救灾，依据《中华人民共和国招标投标法》第六十六条可以不进行招标";
    private const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // 1 May 2025 in China: a past date, so approvedAt is never in the future and project codes carry a valid year.
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 8, 30, 0, TimeSpan.FromHours(8));

    private static readonly (string Code, string Name)[] Regions =
    [
        ("371002", "环翠区"), ("371003", "文登区"), ("371082", "荣成市"), ("371083", "乳山市"), ("371000", "威海市"),
    ];

    private static readonly Template[] Templates =
    [
        new("housing-construction", "approval", "城市更新改造项目", ["design", "construction", "supervision"], "open", "agency"),
        new("housing-construction", "approval", "医院门急诊综合楼建设项目", ["design", "construction", "supervision", "equipment"], "open", "agency"),
        new("housing-construction", "filing", "人才公寓项目", ["construction", "supervision"], "open", "agency"),
        new("housing-construction", "approval", "山体滑坡抢险加固工程", [], "exempt", null, Emergency),
        new("transport", "approval", "农村公路提档升级工程", ["construction", "supervision"], "open", "agency"),
        new("transport", "confirmation", "港区通用泊位工程", ["survey", "design", "construction", "supervision", "equipment"], "open", "agency"),
        new("water", "approval", "水库除险加固工程", ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("water", "approval", "城区供水管网更新改造工程", ["construction", "materials"], "invited", "agency"),
        new("agriculture", "approval", "高标准农田建设项目", ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("industry", "filing", "智能制造标准厂房项目", ["design", "construction", "supervision"], "open", "agency"),
        new("industry", "filing", "企业智能化技术改造项目", ["equipment"], "invited", "self"),
        new("commerce", "approval", "进口设备国际招标项目", ["equipment"], "open", "agency"),
        new("ocean", "approval", "海洋牧场人工鱼礁建设项目", ["design", "construction", "materials"], "open", "agency"),
        new("forestry", "approval", "森林防火通道工程", ["design", "construction", "supervision"], "open", "agency"),
        new("natural-resources", "approval", "全域土地综合整治项目", ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("health", "approval", "疾病预防控制中心设备购置项目", ["equipment"], "open", "agency"),
        new("energy", "confirmation", "分布式光伏发电项目", ["construction", "equipment"], "open", "agency"),
        new("telecom", "filing", "5G基站共建共享工程", ["construction", "equipment"], "open", "self"),
    ];

    /// <summary>
    /// <paramref name="count"/> approvals in the feed's order, (updatedAt, approvalId). Three approvals share each
    /// instant, as a batch edit in the source would make, so the order's second key matters.
    /// </summary>
    public static IReadOnlyList<BenchFeedItem> Generate(int count)
    {
        var items = new List<BenchFeedItem>(count);
        for (var i = 0; i < count; i++)
        {
            var template = Templates[i % Templates.Length];
            var (region, place) = Regions[(i / Templates.Length) % Regions.Length];
            var updatedAt = Start.AddSeconds(5 * (i / 3));
            var approvedAt = updatedAt.AddHours(-30 - (i % 7));
            var id = $"WHSP-B-{i:D6}";
            var item = new JsonObject
            {
                ["approvalId"] = id,
                ["version"] = 1,
                ["projectCode"] = $"{approvedAt.Year}-{region}-{(template.Kind == "filing" ? 89 : 48)}-{KindNumber(template.Kind):D2}-{i:D6}",
                ["projectName"] = $"{place}{template.Project}（{i + 1:D5}）",
                ["regionCode"] = region,
                ["industry"] = template.Industry,
                ["approvalKind"] = template.Kind,
                ["approvedAt"] = Instant(approvedAt),
                ["authority"] = $"{(region == "371000" ? "威海市" : "威海市" + place)}行政审批服务局",
                ["owner"] = new JsonObject { ["name"] = $"{place}建设投资有限公司第{i % 97 + 1}项目公司", ["creditCode"] = OwnerCode(region, i) },
                ["investment"] = 5_000_000m + (i % 400 * 1_250_000m),
                ["tendering"] = Tendering(template),
                ["updatedAt"] = Instant(updatedAt),
            };
            items.Add(new BenchFeedItem(updatedAt.UtcTicks, id, JsonSerializer.SerializeToUtf8Bytes(item, Json)));
        }

        items.Sort((a, b) => a.UpdatedAtTicks != b.UpdatedAtTicks ? a.UpdatedAtTicks.CompareTo(b.UpdatedAtTicks) : string.CompareOrdinal(a.ApprovalId, b.ApprovalId));
        return items;
    }

    /// <summary>The municipality file the function app loads: its departments and its responsibility list.</summary>
    public static MunicipalityOptions LoadMunicipality(string municipalityFile) =>
        new ConfigurationBuilder().AddJsonFile(municipalityFile, optional: false).Build()
            .GetSection(MunicipalityOptions.Section).Get<MunicipalityOptions>()
        ?? throw new InvalidOperationException($"{municipalityFile} has no {MunicipalityOptions.Section} section.");

    /// <summary>
    /// How many parts each department should be routed for the first <paramref name="count"/> approvals, decided by
    /// the responsibility list the function app itself loads, so the check follows the configuration.
    /// </summary>
    public static IReadOnlyDictionary<string, long> ExpectedParts(MunicipalityOptions municipality, int count)
    {
        ArgumentNullException.ThrowIfNull(municipality);
        var routing = municipality.ToResponsibilityList(municipality.ToRegistry());
        var parts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var template = Templates[i % Templates.Length];
            var (region, _) = Regions[(i / Templates.Length) % Regions.Length];
            foreach (var route in routing.RouteFor(template.Industry, region, template.Scope))
            {
                parts[route.Department] = parts.GetValueOrDefault(route.Department) + 1;
            }
        }

        return parts;
    }

    private static int KindNumber(string kind) => kind switch
    {
        "approval" => 1,
        "confirmation" => 2,
        _ => 3,
    };

    private static string Instant(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static JsonObject Tendering(Template template)
    {
        var tendering = new JsonObject
        {
            ["scope"] = new JsonArray(template.Scope.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            ["method"] = template.Method,
        };
        if (template.Organization is not null)
        {
            tendering["organization"] = template.Organization;
        }

        if (template.ExemptReason is not null)
        {
            tendering["exemptReason"] = template.ExemptReason;
        }

        return tendering;
    }

    /// <summary>An enterprise (91) registered in the region, a made-up organisation code, then the GB 32100 check character.</summary>
    private static string OwnerCode(string region, int index)
    {
        var organisation = string.Concat(Enumerable.Range(0, 9).Select(k => CreditAlphabet[((index / (k + 1)) + (k * 7)) % CreditAlphabet.Length]));
        return CreditCode.Complete("91" + region + organisation);
    }

    private sealed record Template(string Industry, string Kind, string Project, string[] Scope, string Method, string? Organization, string? ExemptReason = null);
}
