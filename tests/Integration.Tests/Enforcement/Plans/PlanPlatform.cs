using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Enforcement.Draw;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Topics;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Enforcement.Plans;

/// <summary>
/// The real app on a clock the tests move, its deadlines swept by the tests, with officer lists for the three
/// participants and four imported targets in 环翠区 (371002), stored through the library's own endpoints.
/// </summary>
public class PlanPlatform : PlatformFactory
{
    /// <summary>Monday 2 March 2026, 10:00 in China.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(8));

    public const string OwnerA = "914403001922038216";
    public const string OwnerB = "9144030071526726XG";

    private readonly SemaphoreSlim seeding = new(1, 1);
    private bool seeded;

    public PlanPlatform() => WithTime(Time).WithDeadlinesSweptByTest();

    public ManualTimeProvider Time { get; } = new(Start);

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void SetTime(DateTimeOffset instant) => Time.SetUtcNow(instant);

    /// <summary>Stores the libraries once per platform: two active officers per participant (one housing officer recuses owner B, one inactive), four targets.</summary>
    public async Task SeedLibrariesAsync()
    {
        await seeding.WaitAsync(Cancellation);
        try
        {
            if (seeded)
            {
                return;
            }

            foreach (var department in PlanSamples.Participants)
            {
                var officers = new JsonArray(
                    Officer($"{department}-01", recuse: department == "housing" ? OwnerB : null),
                    Officer($"{department}-02"),
                    Officer($"{department}-03", active: false));
                (await ClientFor("admin").PutAsJsonAsync($"/api/enforcement/officers/{department}", new JsonObject { ["officers"] = officers }, Cancellation)).EnsureSuccessStatusCode();
            }

            var targets = new JsonArray(
                Target("2026-371002-48-01-000101", OwnerA),
                Target("2026-371002-48-01-000102", OwnerB),
                Target("2026-371002-48-01-000103", OwnerA),
                Target("2026-371002-48-01-000104", OwnerB),
                Target("2026-371082-48-01-000105", OwnerA));
            (await ClientFor("admin").PutAsJsonAsync("/api/enforcement/targets", new JsonObject { ["targets"] = targets }, Cancellation)).EnsureSuccessStatusCode();
            seeded = true;
        }
        finally
        {
            seeding.Release();
        }
    }

    public async Task<HttpResponseMessage> SendAsync(string principal, HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        return await ClientFor(principal).SendAsync(request, Cancellation);
    }

    public async Task<JsonElement> PostAsync(string principal, string path, JsonNode? body = null, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await SendAsync(principal, HttpMethod.Post, path, body ?? new JsonObject());
        return status is HttpStatusCode.OK or HttpStatusCode.Created ? await response.ReadJsonAsync(status) : await response.ReadProblemAsync(status);
    }

    public async Task<JsonElement> GetAsync(string principal, string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await SendAsync(principal, HttpMethod.Get, path);
        return status == HttpStatusCode.OK ? await response.ReadJsonAsync() : await response.ReadProblemAsync(status);
    }

    public Task<JsonElement> PlanAsync(string planId, string principal = "ndrc") => GetAsync(principal, $"/api/enforcement/plans/{planId}");

    /// <summary>Creates the plan (transport initiates, housing leads) and has every participant confirm and ndrc approve it.</summary>
    public async Task<JsonElement> ApprovedAsync(string planId, JsonObject? plan = null)
    {
        await SeedLibrariesAsync();
        await PostAsync("transport", "/api/enforcement/plans", plan ?? PlanSamples.Plan(planId), HttpStatusCode.Created);
        foreach (var department in PlanSamples.Participants)
        {
            await PostAsync(department, $"/api/enforcement/plans/{planId}/confirm");
        }

        return await PostAsync("ndrc", $"/api/enforcement/plans/{planId}/approve");
    }

    /// <summary>Approves the plan and has every participant commit and reveal: the plan is drawn.</summary>
    public async Task<JsonElement> DrawnAsync(string planId, JsonObject? plan = null)
    {
        await ApprovedAsync(planId, plan);
        foreach (var department in PlanSamples.Participants)
        {
            await PostAsync(department, $"/api/enforcement/plans/{planId}/draw/commitments", new JsonObject { ["commitment"] = DrawCommitments.Commit(PlanSamples.Nonce(planId, department)) });
        }

        JsonElement last = default;
        foreach (var department in PlanSamples.Participants)
        {
            last = await PostAsync(department, $"/api/enforcement/plans/{planId}/draw/reveals", new JsonObject { ["nonce"] = PlanSamples.Nonce(planId, department) });
        }

        return last;
    }

    /// <summary>Receives (and settles) every message now on a subscription of topic <c>enforcement</c>, and returns those of one plan.</summary>
    public async Task<IReadOnlyList<TopicMessage>> MessagesAsync(string subscription, string planId)
    {
        var receiver = Services.GetRequiredService<SqliteTopicReceiver>();
        var all = new List<TopicMessage>();
        while (true)
        {
            var batch = await receiver.ReceiveAsync("enforcement", subscription, 100, Cancellation);
            foreach (var received in batch)
            {
                all.Add(received.Message);
                await receiver.CompleteAsync(received.LockToken, Cancellation);
            }

            if (batch.Count < 100)
            {
                break;
            }
        }

        return all.Where(m => m.ApplicationProperties.GetValueOrDefault("planId") == planId).ToArray();
    }

    public static string[] Actions(JsonElement plan) =>
        plan.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray();

    private static JsonObject Officer(string id, bool active = true, string? recuse = null) => new()
    {
        ["officerId"] = id,
        ["name"] = "王建国",
        ["credentialNo"] = $"鲁执SECRET{id}",
        ["active"] = active,
        ["recuse"] = recuse is null ? new JsonArray() : new JsonArray(recuse),
    };

    private static JsonObject Target(string id, string owner) => new()
    {
        ["targetId"] = id,
        ["name"] = "威海市某住宅小区建设工程",
        ["creditCode"] = owner,
        ["region"] = id.Substring(5, 6),
        ["industry"] = "housing-construction",
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            seeding.Dispose();
        }

        base.Dispose(disposing);
    }
}
