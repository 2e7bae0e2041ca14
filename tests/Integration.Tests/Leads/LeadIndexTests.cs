using System.Net;
using System.Text.Json;
using Integration.Functions.Leads;
using Integration.Functions.Platform.Records;
using Integration.Tests.Durable;
using Integration.Tests.Support;

namespace Integration.Tests.Leads;

/// <summary>The lead listing reads the caller's part of the index, never every lead, and its page tokens cannot be forged.</summary>
[Trait("lane", "integration")]
public sealed class LeadIndexTests
{
    [Fact]
    public async Task A_listing_reads_only_the_index_not_the_lead_records()
    {
        var hooked = new HookedTableStore();
        using var platform = new LeadPlatform();
        platform.WithServices(hooked.Decorate);
        for (var i = 0; i < 5; i++)
        {
            await platform.SubmitAsync(LeadPlatform.Lead($"idx-h{i}"));
        }

        var water = LeadPlatform.Lead("idx-w");
        water["industry"] = "water";
        await platform.SubmitAsync(water);

        hooked.Reads.Clear();
        var page = await (await platform.ClientFor("water").GetAsync("/api/leads", LeadPlatform.Cancellation)).ReadJsonAsync();

        Assert.Equal(["idx-w"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("leadId").GetString()));
        Assert.False(hooked.Reads.ContainsKey(RecordStore.Table), "the listing read the lead records");
        Assert.True(hooked.Reads.GetValueOrDefault(LeadIndex.Table) >= 1);
    }

    [Fact]
    public async Task A_page_token_altered_or_used_on_another_listing_is_refused()
    {
        using var platform = new LeadPlatform();
        for (var i = 0; i < 3; i++)
        {
            await platform.SubmitAsync(LeadPlatform.Lead($"tok-{i}"));
        }

        var client = platform.ClientFor("ndrc");
        var first = await (await client.GetAsync("/api/leads?pageSize=1", LeadPlatform.Cancellation)).ReadJsonAsync();
        var token = first.GetProperty("nextPageToken").GetString()!;
        Assert.DoesNotContain("tok-0", token, StringComparison.Ordinal);

        var second = await (await client.GetAsync($"/api/leads?pageSize=1&pageToken={token}", LeadPlatform.Cancellation)).ReadJsonAsync();
        Assert.Equal("tok-1", second.GetProperty("items")[0].GetProperty("leadId").GetString());

        var forged = "dG9rLTE." + token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var problem = await (await client.GetAsync($"/api/leads?pageSize=1&pageToken={forged}", LeadPlatform.Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["pageToken"], problem.ErrorFields());
        await (await client.GetAsync($"/api/leads?pageSize=1&status=relayed&pageToken={token}", LeadPlatform.Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        await (await platform.ClientFor("trading-center").GetAsync($"/api/leads?pageSize=1&pageToken={token}", LeadPlatform.Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(JsonValueKind.Array, second.GetProperty("items").ValueKind);
    }
}
