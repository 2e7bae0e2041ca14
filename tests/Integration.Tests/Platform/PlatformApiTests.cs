using System.Net;
using Integration.Tests.Support;

namespace Integration.Tests.Platform;

[Trait("lane", "integration")]
public sealed class PlatformApiTests(PlatformApiTests.Platform platform) : IClassFixture<PlatformApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    [Fact]
    public async Task Health_reports_the_process_ready()
    {
        var body = await (await platform.CreateClient().GetAsync("/api/health", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_functions()
    {
        var body = await (await platform.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).ReadJsonAsync();
        var paths = body.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/calendar/deadline", paths);
        Assert.Contains("/api/calendar/days/{date}", paths);
        Assert.Contains("/api/me", paths);
        Assert.Contains("/api/health", paths);
    }

    [Fact]
    public async Task A_correlation_id_offered_is_echoed_and_one_is_made_otherwise()
    {
        var client = platform.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("X-Correlation-Id", "sync-2026-11-22.0042");
        var echoed = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal("sync-2026-11-22.0042", echoed.Headers.GetValues("X-Correlation-Id").Single());

        var made = await client.GetAsync("/api/health", TestContext.Current.CancellationToken);
        Assert.Matches("^[0-9a-f]{32}$", made.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task Problems_carry_the_correlation_id()
    {
        var client = platform.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("X-Correlation-Id", "abc-123");
        var problem = await (await client.SendAsync(request, TestContext.Current.CancellationToken)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("abc-123", problem.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem() =>
        await (await platform.ClientFor("admin").GetAsync("/api/nothing-here", TestContext.Current.CancellationToken)).ReadProblemAsync(HttpStatusCode.NotFound);

    [Fact]
    public async Task A_wrong_method_is_a_405_problem() =>
        await (await platform.CreateClient().PostAsync("/api/health", null, TestContext.Current.CancellationToken)).ReadProblemAsync(HttpStatusCode.MethodNotAllowed);
}
