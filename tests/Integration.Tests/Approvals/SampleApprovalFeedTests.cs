using System.Net;
using System.Text.Json.Nodes;
using Integration.Functions.Approvals.Sample;
using Integration.Tests.Support;
using static Integration.Tests.Approvals.ApprovalData;
using static Integration.Tests.Approvals.PullHarness;

namespace Integration.Tests.Approvals;

/// <summary>The Development sample feed: served under the contract, and pulled into a working flow.</summary>
[Trait("lane", "integration")]
public sealed class SampleApprovalFeedTests
{
    [Fact]
    public async Task The_Development_sample_feed_pulls_into_a_working_flow()
    {
        await using var feed = await ChaosFeedServer.StartAsync(seed: 1);
        foreach (var entry in SampleApprovalFeed.Entries)
        {
            feed.Put((JsonObject)entry.Item.DeepClone(), entry.UpdatedAt);
        }

        using var platform = PullPlatform(feed);
        var reports = await PullUntilCompleteAsync(platform);

        Assert.Equal(SampleApprovalFeed.Entries.Count - 1, reports.Sum(r => r.Stored));
        Assert.Equal(1, reports.Sum(r => r.Quarantined));
        var quarantined = Assert.Single((await platform.GetJsonAsync("admin", "/api/operations/quarantine")).GetProperty("items").EnumerateArray());
        Assert.Equal(["owner.creditCode"], quarantined.GetProperty("reasons").EnumerateObject().Select(r => r.Name).ToArray());

        // Energy and telecom have no responsibility line; civil aviation is not in the catalogue at all, and is flagged.
        var coordinator = await platform.GetJsonAsync("ndrc", "/api/approvals?department=ndrc");
        Assert.Equal(4, coordinator.GetProperty("items").GetArrayLength());
        var unknown = Assert.Single(coordinator.GetProperty("items").EnumerateArray(), i => !i.GetProperty("industryKnown").GetBoolean());
        Assert.Equal("civil-aviation", unknown.GetProperty("industry").GetString());
        var detail = await platform.GetJsonAsync("ndrc", "/api/approvals/" + unknown.GetProperty("approvalId").GetString());
        Assert.False(detail.GetProperty("industryKnown").GetBoolean());
        Assert.Contains("not in the municipality's industry catalogue", detail.GetProperty("routing")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var housing = await platform.GetJsonAsync("housing", "/api/approvals?pageSize=200");
        Assert.True(housing.GetProperty("items").GetArrayLength() >= 10);
        var shared = await platform.GetJsonAsync("industry", "/api/approvals?pageSize=200");
        Assert.Contains(shared.GetProperty("items").EnumerateArray(), i => i.GetProperty("claims").GetArrayLength() == 2);

        var secondVersion = await platform.GetJsonAsync("admin", "/api/approvals/WHSP-2026-000032");
        Assert.Equal(2, secondVersion.GetProperty("version").GetInt64());
        Assert.Equal("pull", secondVersion.GetProperty("versions")[0].GetProperty("via").GetString());
    }

    [Fact]
    public async Task The_sample_feed_is_served_in_Development_under_the_contract()
    {
        using var platform = new PlatformFactory();
        var client = platform.CreateClient();
        var seen = 0;
        string? token = null;
        do
        {
            var body = await (await client.GetAsync(
                "/sample/approval-system/approvals?updatedSince=2020-01-01T00:00:00Z&pageSize=10" + (token is null ? "" : "&pageToken=" + token), Cancellation)).ReadJsonAsync();
            seen += body.GetProperty("items").GetArrayLength();
            token = body.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);

        Assert.Equal(SampleApprovalFeed.Entries.Count, seen);
        Assert.InRange(seen, 30, 40);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/sample/approval-system/approvals", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task The_sample_feed_is_not_served_outside_Development()
    {
        using var platform = new PlatformFactory("Production");
        var response = await platform.CreateClient().GetAsync("/sample/approval-system/approvals?updatedSince=2020-01-01T00:00:00Z", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
