using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Approvals;
using Integration.Domain.Kernel;

namespace Integration.Tests.Approvals;

[Trait("lane", "unit")]
public sealed class ApprovalReaderTests
{
    private static readonly ApprovalRules Rules = new(
        ["housing-construction", "transport", "energy"], "371000", new DateTimeOffset(2026, 2, 13, 10, 0, 0, TimeSpan.FromHours(8)));

    private static (ApprovalSubmission? Submission, string[] Fields, FieldErrors Errors) Read(JsonNode json)
    {
        var errors = new FieldErrors();
        var submission = ApprovalReader.Read(JsonDocument.Parse(json.ToJsonString()).RootElement, Rules, errors);
        return (submission, errors.ToDictionary().Keys.Order(StringComparer.Ordinal).ToArray(), errors);
    }

    [Fact]
    public void A_valid_record_reads_with_its_approval_time_in_China()
    {
        var (submission, fields, _) = Read(ApprovalData.Valid("SP-1").With("approvedAt", "2026-02-10T01:30:00Z"));
        Assert.Empty(fields);
        Assert.NotNull(submission);
        Assert.Equal("SP-1", submission.ApprovalId);
        Assert.Equal(TimeSpan.FromHours(8), submission.ApprovedAt.Offset);
        Assert.Equal(new DateTimeOffset(2026, 2, 10, 9, 30, 0, TimeSpan.FromHours(8)), submission.ApprovedAt);
        Assert.Equal(["construction", "supervision"], submission.Tendering.Scope);
    }

    [Fact]
    public void Every_invalid_field_is_listed_at_once()
    {
        var json = new JsonObject
        {
            ["approvalId"] = "bad id/1",
            ["version"] = 0,
            ["projectCode"] = "2026-37100-48-01-583921",
            ["projectName"] = "",
            ["regionCode"] = "421002",
            ["industry"] = "",
            ["approvalKind"] = "permit",
            ["approvedAt"] = "2026-02-10 09:30",
            ["owner"] = new JsonObject { ["name"] = "某公司", ["creditCode"] = "91350100M000100Y4Z" },
            ["investment"] = -1,
            ["tendering"] = new JsonObject { ["scope"] = new JsonArray("construction", "painting", "construction"), ["method"] = "auction", ["organization"] = "broker" },
        };

        var (submission, fields, _) = Read(json);

        Assert.Null(submission);
        Assert.Equal(
            ["approvalId", "approvalKind", "approvedAt", "authority", "industry", "investment", "owner.creditCode", "projectCode", "projectName", "regionCode",
             "tendering.method", "tendering.organization", "tendering.scope[1]", "tendering.scope[2]", "version"],
            fields);
    }

    [Fact]
    public void An_industry_the_catalogue_does_not_list_is_read_not_refused()
    {
        var (submission, fields, _) = Read(ApprovalData.Valid(industry: "mining"));
        Assert.Empty(fields);
        Assert.Equal("mining", submission!.Industry);
    }

    [Fact]
    public void The_credit_code_problem_names_the_expected_check_character()
    {
        var json = ApprovalData.Valid();
        json["owner"]!["creditCode"] = "91350100M000100Y4Z";
        var (_, fields, errors) = Read(json);
        Assert.Equal(["owner.creditCode"], fields);
        Assert.Contains("'3'", errors.ToDictionary()["owner.creditCode"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_exempt_project_needs_a_reason_and_no_organisation()
    {
        Assert.Empty(Read(ApprovalData.Exempt()).Fields);

        var missing = ApprovalData.Exempt();
        missing["tendering"]!.AsObject().Remove("exemptReason");
        Assert.Equal(["tendering.exemptReason"], Read(missing).Fields);
    }

    [Fact]
    public void A_tendered_project_needs_a_scope_and_an_organisation_and_no_exempt_reason()
    {
        var json = ApprovalData.Valid();
        json["tendering"] = new JsonObject { ["scope"] = new JsonArray(), ["method"] = "invited", ["exemptReason"] = "不需要" };
        Assert.Equal(["tendering.exemptReason", "tendering.organization", "tendering.scope"], Read(json).Fields);
    }

    [Fact]
    public void A_region_outside_the_municipality_and_an_approval_in_the_future_are_refused()
    {
        var json = ApprovalData.Valid().With("regionCode", "410821").With("approvedAt", "2026-02-14T10:00:00+08:00");
        Assert.Equal(["approvedAt", "regionCode"], Read(json).Fields);
    }

    [Fact]
    public void A_project_code_from_a_later_year_than_now_is_refused() =>
        Assert.Equal(["projectCode"], Read(ApprovalData.Valid().With("projectCode", "2027-371002-48-01-583921")).Fields);

    [Fact]
    public void Missing_fields_are_each_named()
    {
        var (_, fields, _) = Read(new JsonObject());
        Assert.Equal(
            ["approvalId", "approvalKind", "approvedAt", "authority", "industry", "investment", "owner", "projectCode", "projectName", "regionCode", "tendering", "version"],
            fields);
    }

    [Fact]
    public void A_feed_item_also_needs_its_updated_at()
    {
        var errors = new FieldErrors();
        var item = ApprovalReader.ReadFeedItem(JsonDocument.Parse(ApprovalData.Valid().ToJsonString()).RootElement, Rules, errors);
        Assert.Null(item);
        Assert.Equal(["updatedAt"], errors.ToDictionary().Keys);

        errors = new FieldErrors();
        item = ApprovalReader.ReadFeedItem(JsonDocument.Parse(ApprovalData.Valid().With("updatedAt", "2026-02-11T08:00:00+08:00").ToJsonString()).RootElement, Rules, errors);
        Assert.NotNull(item);
        Assert.Equal(new DateTimeOffset(2026, 2, 11, 0, 0, 0, TimeSpan.Zero), item.UpdatedAt);
    }

    [Fact]
    public void The_fingerprint_ignores_how_the_instant_was_written_but_not_the_content()
    {
        var a = Read(ApprovalData.Valid("SP-1").With("approvedAt", "2026-02-10T01:30:00Z")).Submission!;
        var b = Read(ApprovalData.Valid("SP-1").With("approvedAt", "2026-02-10T09:30:00+08:00")).Submission!;
        var c = Read(ApprovalData.Valid("SP-1").With("investment", 486_000_001)).Submission!;
        Assert.Equal(a.Fingerprint(), b.Fingerprint());
        Assert.NotEqual(a.Fingerprint(), c.Fingerprint());
    }

    [Theory]
    [InlineData("WHSP-2026-000123", true)]
    [InlineData("sp_1.2", true)]
    [InlineData("-leading-dash", false)]
    [InlineData("with space", false)]
    [InlineData("slash/in", false)]
    [InlineData("hash#in", false)]
    [InlineData("newline\n", false)]
    [InlineData("", false)]
    public void Approval_ids_are_limited_to_characters_safe_in_keys_and_routes(string id, bool valid) =>
        Assert.Equal(valid, ApprovalReader.IsValidId(id));

    [Fact]
    public void An_approval_id_longer_than_64_characters_is_refused() =>
        Assert.False(ApprovalReader.IsValidId(new string('a', 65)));

    [Theory]
    [InlineData("371000", "3710")]
    [InlineData("370000", "37")]
    [InlineData("371082", "371082")]
    public void The_municipality_region_prefix_follows_its_level(string region, string prefix) =>
        Assert.Equal(prefix, (Rules with { MunicipalityRegion = region }).RegionPrefix);
}
