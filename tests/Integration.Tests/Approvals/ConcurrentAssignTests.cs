using System.Net;
using System.Net.Http.Json;
using Integration.Domain.Identity;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Approvals;

/// <summary>Many writers on one record at once: each is told what happened, and the history stays one chain.</summary>
[Trait("lane", "integration")]
public sealed class ConcurrentAssignTests
{
    [Fact]
    public async Task Twenty_one_simultaneous_assignments_each_answer_200_or_a_409_saying_to_retry_and_keep_one_valid_chain()
    {
        using var platform = new PlatformFactory();
        var id = NewId("A");
        await (await platform.PushAsync(Valid(id, industry: "energy"))).ReadJsonAsync(HttpStatusCode.Created);
        var registry = platform.Services.GetRequiredService<PrincipalRegistry>();
        var departments = registry.All.Where(p => registry.IsDepartment(p.Id) && p.Id != "ndrc").Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();
        var targets = Enumerable.Range(0, 21).Select(i => departments[i % departments.Length]).ToArray();

        var clients = targets.Select(_ => platform.ClientFor("ndrc")).ToArray();
        using var start = new SemaphoreSlim(0);
        var requests = targets.Select(async (department, i) =>
        {
            await start.WaitAsync(Cancellation);
            return await clients[i].PostAsJsonAsync($"/api/approvals/{id}/assign", new { department }, Cancellation);
        }).ToArray();
        start.Release(targets.Length);
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            var problem = await conflict.ReadProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("concurrent-update", problem.GetProperty("code").GetString());
            Assert.Contains("send it again", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var verified = await (await platform.ClientFor("ndrc").GetAsync($"/api/audit/approval/{id}/verify", Cancellation)).ReadJsonAsync();
        Assert.True(verified.GetProperty("valid").GetBoolean());
        var assigned = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.True(assigned >= 1, "no assignment went through");
        var detail = await platform.GetJsonAsync("ndrc", $"/api/approvals/{id}");
        Assert.Equal(detail.HistoryActions().Length, verified.GetProperty("entries").GetInt32());
    }
}
