using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Domain.Identifiers;

namespace Integration.Functions.Approvals.Sample;

/// <summary>
/// A stand-in for the approval bureau's system in Development: a few dozen Weihai approvals served
/// under the feed contract at <c>/sample/approval-system/approvals</c>, so a fresh checkout shows the
/// pull, routing and claim flow without any outside system. Mixed industries (two without a line in
/// the responsibility list and one not in the catalogue, so they go to the coordinator), tender methods, two exempt projects,
/// one approval in its second version, and one record with a mistyped credit code that the pull
/// quarantines.
/// </summary>
public static class SampleApprovalFeed
{
    public const string Path = "/sample/approval-system/approvals";

    private static readonly Lazy<IReadOnlyList<FeedEntry>> Feed = new(Build);

    public static IReadOnlyList<FeedEntry> Entries => Feed.Value;

    /// <summary>Answers <c>GET {Path}?updatedSince=…&amp;pageToken=…&amp;pageSize=…</c>.</summary>
    public static async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Request.Query;
        if (!DateTimeOffset.TryParse(query["updatedSince"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
        {
            await Results.Problem("updatedSince is required: an ISO-8601 instant.", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        var size = int.TryParse(query["pageSize"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 500) : 50;
        try
        {
            var (items, next) = FeedPaging.Page(Entries, since, query["pageToken"].FirstOrDefault(), size);
            await Results.Json(new { items, nextPageToken = next }).ExecuteAsync(context);
        }
        catch (FormatException)
        {
            await Results.Problem("pageToken is not one this feed issued.", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
        }
    }

    private sealed record Sample(
        string Region,
        string Industry,
        string Kind,
        string Project,
        string Owner,
        string OwnerType,
        decimal Investment,
        string[] Scope,
        string Method,
        string? Organization,
        string? ExemptReason = null,
        int Version = 1);

    private const string Emergency = "属于抢险救灾，依据《中华人民共和国招标投标法》第六十六条可以不进行招标";
    private const string Patent = "需要采用不可替代的专利或者专有技术，依据《中华人民共和国招标投标法实施条例》第九条第一项可以不进行招标";

    // Owner type: 91 enterprise (企业), 11 government body (机关), 12 public institution (事业单位).
    private static readonly Sample[] Samples =
    [
        new("371002", "housing-construction", "approval", "环翠区孙家疃街道城市更新改造项目", "威海市环翠区城市建设投资有限公司", "91", 486_000_000m, ["design", "construction", "supervision"], "open", "agency"),
        new("371002", "housing-construction", "approval", "威海市第二实验小学教学楼扩建工程", "威海市教育局", "11", 128_500_000m, ["construction", "supervision"], "open", "agency"),
        new("371003", "housing-construction", "approval", "文登区南海新区安置房三期工程", "威海市文登区城市资产经营有限公司", "91", 352_000_000m, ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("371082", "housing-construction", "approval", "荣成市石岛管理区老旧小区改造提升项目", "荣成市住房和城乡建设局", "11", 96_800_000m, ["construction", "supervision"], "open", "self"),
        new("371000", "housing-construction", "approval", "威海市中心医院门急诊综合楼建设项目", "威海市中心医院", "12", 765_000_000m, ["design", "construction", "supervision", "equipment"], "open", "agency"),
        new("371083", "housing-construction", "filing", "乳山市银滩商业综合体项目", "乳山市银滩置业有限公司", "91", 420_000_000m, ["construction", "supervision"], "open", "agency"),
        new("371000", "transport", "approval", "国道G228丹东线威海段改建工程", "威海市公路事业发展中心", "12", 1_180_000_000m, ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("371082", "transport", "confirmation", "石岛港区5万吨级通用泊位工程", "威海港石岛港务有限公司", "91", 890_000_000m, ["design", "construction", "supervision", "equipment"], "open", "agency"),
        new("371003", "transport", "approval", "文登区农村公路提档升级工程（2026年）", "威海市文登区交通运输局", "11", 64_000_000m, ["construction", "supervision"], "open", "agency"),
        new("371083", "transport", "approval", "乳山市城市公交场站建设项目", "乳山市公共交通有限公司", "91", 38_600_000m, ["design", "construction"], "invited", "agency"),
        new("371003", "water", "approval", "米山水库除险加固工程", "威海市米山水库管理服务中心", "12", 215_000_000m, ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("371083", "water", "approval", "龙角山水库灌区续建配套与节水改造项目", "乳山市水务局", "11", 73_500_000m, ["design", "construction", "supervision"], "open", "agency"),
        new("371002", "water", "approval", "环翠区城区供水管网更新改造工程", "威海水务集团有限公司", "91", 156_000_000m, ["construction", "materials"], "open", "agency"),
        new("371082", "water", "approval", "荣成市海水淡化工程", "荣成市水务集团有限公司", "91", 260_000_000m, ["design", "construction", "equipment"], "open", "agency"),
        new("371003", "agriculture", "approval", "文登区2026年高标准农田建设项目", "威海市文登区农业农村局", "11", 58_000_000m, ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("371082", "agriculture", "approval", "荣成市农产品产地冷藏保鲜设施项目", "荣成市农业农村局", "11", 22_400_000m, ["construction", "equipment"], "open", "agency"),
        new("371083", "agriculture", "approval", "乳山市茶园基础设施提升项目", "乳山市茶叶产业发展中心", "12", 12_000_000m, ["construction"], "invited", "self"),
        new("371082", "ocean", "approval", "荣成市爱伦湾国家级海洋牧场人工鱼礁建设项目", "荣成市海洋发展局", "11", 45_000_000m, ["design", "construction", "materials"], "open", "agency"),
        new("371002", "ocean", "approval", "威海湾海域生态修复工程", "威海市海洋发展局", "11", 118_000_000m, ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("371003", "forestry", "approval", "昆嵛山国家级自然保护区森林防火通道工程", "山东昆嵛山国家级自然保护区管理局", "12", 26_000_000m, ["design", "construction", "supervision"], "open", "agency"),
        new("371083", "natural-resources", "approval", "乳山市全域土地综合整治试点项目", "乳山市自然资源局", "11", 132_000_000m, ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("371000", "health", "approval", "威海市疾病预防控制中心实验室设备购置项目", "威海市疾病预防控制中心", "12", 18_600_000m, ["equipment"], "open", "agency"),
        new("371002", "industry", "filing", "威海高区智能制造产业园标准厂房项目", "威海火炬产业园开发建设有限公司", "91", 268_000_000m, ["design", "construction", "supervision"], "open", "agency"),
        new("371082", "industry", "filing", "荣成市船舶配套企业智能化技术改造项目", "荣成市海通船舶配套有限公司", "91", 92_000_000m, ["equipment"], "invited", "self"),
        new("371082", "energy", "confirmation", "荣成市海上风电场（一期）项目", "威海海上风电开发有限公司", "91", 5_600_000_000m, ["survey", "design", "construction", "supervision", "equipment"], "open", "agency"),
        new("371083", "energy", "filing", "乳山市工业园区分布式光伏发电项目", "乳山市绿能新能源有限公司", "91", 48_000_000m, ["construction", "equipment"], "open", "agency"),
        new("371000", "telecom", "filing", "威海市5G基站共建共享工程（2026年）", "中国铁塔股份有限公司威海市分公司", "91", 75_000_000m, ["construction", "equipment"], "open", "self"),
        new("371000", "commerce", "approval", "威海市文化艺术中心进口舞台设备国际招标项目", "威海市文化和旅游局", "11", 36_000_000m, ["equipment"], "open", "agency"),
        new("371002", "housing-construction", "approval", "环翠区温泉镇山体滑坡抢险加固工程", "威海市环翠区应急管理局", "11", 8_600_000m, [], "exempt", null, Emergency),
        new("371003", "industry", "filing", "文登区精密轴承企业专有生产线升级项目", "威海文登精工轴承有限公司", "91", 31_000_000m, [], "exempt", null, Patent),
        new("371083", "housing-construction", "approval", "乳山市大孤山镇文物建筑保护修缮工程", "乳山市文化和旅游局", "11", 6_800_000m, ["design", "construction"], "invited", "agency"),
        new("371002", "housing-construction", "approval", "威海市体育中心改造提升工程", "威海市体育局", "11", 212_000_000m, ["design", "construction", "supervision"], "open", "agency", null, 2),
        new("371002", "transport", "approval", "威海市区快速路网工程（青岛路—世昌大道段）", "威海市城市开发投资有限公司", "91", 1_650_000_000m, ["survey", "design", "construction", "supervision"], "open", "agency"),
        new("371003", "housing-construction", "approval", "文登区人民医院新院区二期工程", "威海市文登区人民医院", "12", 318_000_000m, ["design", "construction", "supervision", "equipment"], "open", "agency"),
        new("371082", "housing-construction", "filing", "荣成市海洋产业园人才公寓项目", "荣成市海洋产业园投资有限公司", "91", 146_000_000m, ["construction", "supervision"], "open", "agency"),
        new("371002", "housing-construction", "approval", "环翠区竹岛街道社区综合服务中心项目", "威海市环翠区竹岛街道办事处", "11", 24_500_000m, ["construction", "supervision"], "open", "agency"),

        // An industry the catalogue does not list yet: stored, flagged and routed to the coordinator.
        new("371002", "civil-aviation", "approval", "威海大水泊国际机场航站区改扩建工程", "威海国际机场集团有限公司", "91", 860_000_000m, ["design", "construction", "supervision"], "open", "agency"),
    ];

    private static IReadOnlyList<FeedEntry> Build()
    {
        var entries = new List<FeedEntry>();
        var start = new DateTimeOffset(2026, 10, 9, 9, 12, 0, TimeSpan.FromHours(8));
        for (var i = 0; i < Samples.Length; i++)
        {
            var s = Samples[i];
            // Pairs of records share an instant, as a batch edit in the source would; the feed's order still holds.
            var updatedAt = start.AddHours(13 * (i - (i % 2 == 1 && i % 5 == 1 ? 1 : 0)));
            var approvedAt = updatedAt.AddHours(-30 - (i % 7));
            var serial = (583_921 + (i * 7_919)) % 1_000_000;
            var item = new JsonObject
            {
                ["approvalId"] = $"WHSP-2026-{i + 1:D6}",
                ["version"] = s.Version,
                ["projectCode"] = $"{approvedAt.Year}-{s.Region}-{(s.Kind == "filing" ? 89 : 48):D2}-{(s.Kind == "approval" ? 1 : s.Kind == "confirmation" ? 2 : 3):D2}-{serial:D6}",
                ["projectName"] = s.Project,
                ["regionCode"] = s.Region,
                ["industry"] = s.Industry,
                ["approvalKind"] = s.Kind,
                ["approvedAt"] = approvedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                ["authority"] = Authority(s.Region),
                ["owner"] = new JsonObject { ["name"] = s.Owner, ["creditCode"] = OwnerCode(s, i) },
                ["investment"] = s.Investment,
                ["tendering"] = Tendering(s),
                ["updatedAt"] = updatedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            };
            entries.Add(new FeedEntry(updatedAt, (string)item["approvalId"]!, item));
        }

        // The record the pull quarantines: the owner's credit code has a mistyped last character.
        var mistyped = JsonNode.Parse(entries[^2].Item.ToJsonString())!.AsObject();
        mistyped["approvalId"] = "WHSP-2026-000900";
        mistyped["projectName"] = "环翠区张村镇污水处理厂提标改造工程";
        mistyped["owner"]!["name"] = "威海市环翠区张村镇人民政府";
        var code = (string)mistyped["owner"]!["creditCode"]!;
        mistyped["owner"]!["creditCode"] = code[..17] + (code[17] == '0' ? '1' : '0');
        var last = entries[^1].UpdatedAt.AddHours(6);
        mistyped["updatedAt"] = last.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        entries.Add(new FeedEntry(last, "WHSP-2026-000900", mistyped));
        return entries;
    }

    private static JsonObject Tendering(Sample s)
    {
        var tendering = new JsonObject
        {
            ["scope"] = new JsonArray(s.Scope.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
            ["method"] = s.Method,
        };
        if (s.Organization is not null)
        {
            tendering["organization"] = s.Organization;
        }

        if (s.ExemptReason is not null)
        {
            tendering["exemptReason"] = s.ExemptReason;
        }

        return tendering;
    }

    private static string Authority(string region) => region switch
    {
        "371002" => "威海市环翠区行政审批服务局",
        "371003" => "威海市文登区行政审批服务局",
        "371082" => "荣成市行政审批服务局",
        "371083" => "乳山市行政审批服务局",
        _ => "威海市行政审批服务局",
    };

    /// <summary>Registration authority and type, the division, a made-up organisation code, then the GB 32100 check character.</summary>
    private static string OwnerCode(Sample s, int index)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var organisation = s.OwnerType == "91"
            ? "MA" + string.Concat(Enumerable.Range(0, 7).Select(k => alphabet[((index * 17) + (k * 11) + 5) % alphabet.Length]))
            : string.Concat(Enumerable.Range(0, 9).Select(k => (char)('0' + (((index * 7) + (k * 3) + 1) % 10))));
        return CreditCode.Complete(s.OwnerType + s.Region + organisation);
    }
}
