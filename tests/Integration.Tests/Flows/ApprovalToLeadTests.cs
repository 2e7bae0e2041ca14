using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Approvals;
using Integration.Tests.Infrastructure;
using Integration.Tests.Leads;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Flows;

/// <summary>
/// Both flows end to end on one store: whoever claimed a project's approval receives the leads about
/// it ("谁监管"), and every step is in a history that verifies. Run on the embedded store and on Azure
/// Table storage (Azurite).
/// </summary>
public abstract class ApprovalToLeadTests(PlatformFactory platform) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lead_goes_to_the_department_that_claimed_the_projects_approval()
    {
        // An energy project: no line of the responsibility list, so the coordinator assigns it to water.
        var approval = ApprovalData.Valid(industry: "energy");
        var approvalId = (string)approval["approvalId"]!;
        var projectCode = (string)approval["projectCode"]!;
        await (await Post("approval-system", "/api/approvals", approval)).ReadJsonAsync(HttpStatusCode.Created);
        await (await Post("ndrc", $"/api/approvals/{approvalId}/assign", new JsonObject { ["department"] = "water" })).ReadJsonAsync();
        await (await Post("water", $"/api/approvals/{approvalId}/claim", new JsonObject())).ReadJsonAsync();

        // The lead names housing's industry, but the project has a supervisor: it goes to water (and police for bid rigging).
        var leadId = ApprovalData.NewId("L");
        var lead = LeadPlatform.Lead(leadId, platform.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        lead["projectCode"] = projectCode;
        var submitted = await (await Post("trading-center", "/api/leads", lead)).ReadJsonAsync(HttpStatusCode.Created);
        var routedTo = submitted.GetProperty("routedTo").EnumerateArray().Select(r => r.ValueKind == System.Text.Json.JsonValueKind.String ? r.GetString() : r.GetProperty("department").GetString()).ToArray();
        Assert.Contains("water", routedTo);
        Assert.DoesNotContain("housing", routedTo);

        var waterView = await (await platform.ClientFor("water").GetAsync($"/api/leads/{leadId}", Ct)).ReadJsonAsync();
        Assert.Equal(leadId, waterView.GetProperty("leadId").GetString());
        await (await platform.ClientFor("housing").GetAsync($"/api/leads/{leadId}", Ct)).ReadProblemAsync(HttpStatusCode.Forbidden);

        foreach (var (kind, id) in new[] { ("approval", approvalId), ("lead", leadId) })
        {
            var verify = await (await platform.ClientFor("admin").GetAsync($"/api/audit/{kind}/{id}/verify", Ct)).ReadJsonAsync();
            Assert.True(verify.GetProperty("valid").GetBoolean(), $"{kind}/{id}");
            Assert.True(verify.GetProperty("entries").GetInt32() >= 1);
        }
    }

    public void Dispose()
    {
        platform.Dispose();
        GC.SuppressFinalize(this);
    }

    private Task<HttpResponseMessage> Post(string principal, string path, JsonNode body) =>
        platform.ClientFor(principal).PostAsync(path, JsonContent.Create(body), Ct);
}

[Trait("lane", "integration")]
public sealed class SqliteApprovalToLeadTests() : ApprovalToLeadTests(new PlatformFactory());

[Trait("lane", "integration")]
[Collection(nameof(AzuriteCollection))]
public sealed class AzureTablesApprovalToLeadTests(AzuriteFixture azurite) : ApprovalToLeadTests(new PlatformFactory()
    .With("Storage:Provider", "AzureTables")
    .With("Storage:ConnectionString", azurite.ConnectionString));
