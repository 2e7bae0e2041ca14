using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Support;

namespace Integration.Tests.Leads;

/// <summary>Listings are scoped to the caller and filtered by department and status, a page at a time.</summary>
[Trait("lane", "integration")]
public sealed class LeadListingTests(LeadListingTests.Platform platform) : IClassFixture<LeadListingTests.Platform>
{
    /// <summary>Three leads: one to housing and police, one to water (received), one waiting for the coordinator.</summary>
    public sealed class Platform : LeadPlatform
    {
        private readonly Lazy<Task> seeded;

        public Platform() => seeded = new Lazy<Task>(SeedAsync);

        public Task Seeded => seeded.Value;

        private async Task SeedAsync()
        {
            await SubmitAsync(Lead("list-a"));
            var water = Lead("list-b");
            water["industry"] = "water";
            water["category"] = "illegal-subcontracting";
            await SubmitAsync(water);
            await (await PostAsync("water", "/api/leads/list-b/receipt", new JsonObject { ["materials"] = new JsonArray(Sha(1)) })).ReadJsonAsync();
            var unrouted = Lead("list-c");
            unrouted["industry"] = null;
            unrouted["category"] = "other";
            await SubmitAsync(unrouted);
        }
    }

    [Theory]
    [InlineData("trading-center", "", new[] { "list-a", "list-b", "list-c" })]
    [InlineData("ndrc", "", new[] { "list-a", "list-b", "list-c" })]
    [InlineData("admin", "", new[] { "list-a", "list-b", "list-c" })]
    [InlineData("housing", "", new[] { "list-a" })]
    [InlineData("police", "", new[] { "list-a" })]
    [InlineData("water", "", new[] { "list-b" })]
    [InlineData("transport", "", new string[0])]
    [InlineData("approval-system", "", new string[0])]
    [InlineData("ndrc", "?department=water", new[] { "list-b" })]
    [InlineData("ndrc", "?department=ndrc", new[] { "list-c" })]
    [InlineData("trading-center", "?department=police", new[] { "list-a" })]
    [InlineData("ndrc", "?status=awaiting-route", new[] { "list-c" })]
    [InlineData("ndrc", "?status=received", new[] { "list-b" })]
    [InlineData("ndrc", "?department=housing&status=relayed", new[] { "list-a" })]
    [InlineData("water", "?status=received", new[] { "list-b" })]
    [InlineData("water", "?status=relayed", new string[0])]
    [InlineData("housing", "?department=housing&status=received", new string[0])]
    [InlineData("ndrc", "?overdue=true", new string[0])]
    [InlineData("ndrc", "?overdue=false", new[] { "list-a", "list-b", "list-c" })]
    public async Task Each_caller_lists_what_it_may_see_filtered_by_department_and_status(string principal, string query, string[] expected)
    {
        await platform.Seeded;
        var page = await (await platform.ClientFor(principal).GetAsync("/api/leads" + query, LeadPlatform.Cancellation)).ReadJsonAsync();
        Assert.Equal(expected, Ids(page));
    }

    [Fact]
    public async Task Listings_come_a_page_at_a_time()
    {
        await platform.Seeded;
        var client = platform.ClientFor("ndrc");
        var first = await (await client.GetAsync("/api/leads?pageSize=2", LeadPlatform.Cancellation)).ReadJsonAsync();
        Assert.Equal(["list-a", "list-b"], Ids(first));
        var token = first.GetProperty("nextPageToken").GetString();

        var second = await (await client.GetAsync($"/api/leads?pageSize=2&pageToken={token}", LeadPlatform.Cancellation)).ReadJsonAsync();
        Assert.Equal(["list-c"], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextPageToken").ValueKind);
    }

    [Fact]
    public async Task Items_of_a_listing_withhold_the_source_from_all_but_the_coordinator_and_the_operator()
    {
        await platform.Seeded;
        var forHousing = await (await platform.ClientFor("housing").GetAsync("/api/leads", LeadPlatform.Cancellation)).ReadJsonAsync();
        Assert.True(forHousing.GetProperty("items")[0].GetProperty("source").GetProperty("withheld").GetBoolean());
        Assert.DoesNotContain(Whistleblower.Name, forHousing.GetRawText(), StringComparison.Ordinal);
        var forNdrc = await (await platform.ClientFor("ndrc").GetAsync("/api/leads", LeadPlatform.Cancellation)).ReadJsonAsync();
        Assert.Equal(Whistleblower.Name, forNdrc.GetProperty("items")[0].GetProperty("source").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_department_may_not_list_another_departments_leads()
    {
        await platform.Seeded;
        await (await platform.ClientFor("housing").GetAsync("/api/leads?department=water", LeadPlatform.Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_filters_are_each_listed()
    {
        var problem = await (await platform.ClientFor("ndrc").GetAsync("/api/leads?department=nobody&status=lost&overdue=maybe&pageSize=0", LeadPlatform.Cancellation))
            .ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["department", "overdue", "pageSize", "status"], problem.ErrorFields());
    }

    [Fact]
    public async Task Listing_needs_credentials() =>
        await (await platform.CreateClient().GetAsync("/api/leads", LeadPlatform.Cancellation)).ReadProblemAsync(HttpStatusCode.Unauthorized);

    private static string[] Ids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("leadId").GetString()!).ToArray();
}
