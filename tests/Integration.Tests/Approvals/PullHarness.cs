using System.Text.Json.Nodes;
using Integration.Functions.Approvals.Pull;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Approvals;

/// <summary>A platform whose pull connector reads a <see cref="ChaosFeedServer"/> with short timeouts, and ways to look at what it stored.</summary>
internal static class PullHarness
{
    public static readonly DateTimeOffset T0 = new(2026, 10, 1, 8, 0, 0, TimeSpan.FromHours(8));

    public static PlatformFactory PullPlatform(ChaosFeedServer feed, string? dataPath = null, params (string Key, string Value)[] settings)
    {
        var platform = new PlatformFactory()
            .With("Connectors:ApprovalSystem:BaseUrl", feed.BaseUrl.ToString())
            .With("Connectors:ApprovalSystem:PageSize", "7")
            .With("Connectors:ApprovalSystem:AttemptTimeout", "00:00:01")
            .With("Connectors:ApprovalSystem:TotalTimeout", "00:02:00")
            .With("Connectors:ApprovalSystem:RetryDelay", "00:00:00.005")
            .With("Connectors:ApprovalSystem:MaxRetryDelay", "00:00:00.020")
            .With("Connectors:ApprovalSystem:MaxRetryAttempts", "4")
            .With("Connectors:ApprovalSystem:FailureRatio", "0.8")
            .With("Connectors:ApprovalSystem:MinimumThroughput", "20")
            .With("Connectors:ApprovalSystem:SamplingDuration", "00:00:05")
            .With("Connectors:ApprovalSystem:BreakDuration", "00:00:00.500")
            .With("Connectors:ApprovalSystem:RunOnStartup", "false")
            .With("Timers:Disabled:0", "approval-pull");
        if (dataPath is not null)
        {
            platform.With("Storage:DataPath", dataPath);
        }

        foreach (var (key, value) in settings)
        {
            platform.With(key, value);
        }

        return platform;
    }

    /// <summary>
    /// A platform on a <see cref="VirtualClock"/>: no back-off of its own, so every wait of the pipeline is one the
    /// test chose (a Retry-After, an attempt timeout of 7 s, a break) and passes only when the test moves the clock.
    /// </summary>
    public static PlatformFactory VirtualTimePlatform(ChaosFeedServer feed, VirtualClock clock, params (string Key, string Value)[] settings) =>
        PullPlatform(feed, null, [
                ("Connectors:ApprovalSystem:AttemptTimeout", "00:00:07"),
                ("Connectors:ApprovalSystem:SamplingDuration", "00:00:30"),
                ("Connectors:ApprovalSystem:RetryDelay", "00:00:00"),
                ("Connectors:ApprovalSystem:MaxRetryDelay", "00:00:00"),
                .. settings,
            ])
            .WithTime(clock);

    public static async Task<IReadOnlyList<PullReport>> PullUntilCompleteAsync(PlatformFactory platform)
    {
        var pull = platform.Services.GetRequiredService<ApprovalPull>();
        var reports = new List<PullReport>();

        // A failed run leaves the rest to the next timer occurrence, run here again and again; an open circuit needs its break to pass.
        await Support.Eventually.WaitUntilAsync(
            async () =>
            {
                var report = await pull.RunAsync(Cancellation);
                reports.Add(report);
                return report.Completed;
            },
            Support.Eventually.Patience,
            "the pull completed",
            () => string.Join("; ", reports.TakeLast(5).Select(r => r.Error)),
            Cancellation);
        return reports;
    }

    /// <summary>The versions stored and how often the approval was received, read through the API: "1,2 received 1".</summary>
    public static async Task<string> StoredAsync(PlatformFactory platform, string id)
    {
        var detail = await platform.GetJsonAsync("admin", $"/api/approvals/{id}");
        var versions = string.Join(',', detail.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt64()));
        return $"{versions} received {detail.HistoryActions().Count(a => a == "approval.received")}";
    }

    public static async Task<int> CountAllAsync(PlatformFactory platform)
    {
        var count = 0;
        string? token = null;
        do
        {
            var body = await platform.GetJsonAsync("admin", "/api/approvals?pageSize=200" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token)));
            count += body.GetProperty("items").GetArrayLength();
            token = body.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);

        return count;
    }

    public static JsonObject Item(int i) =>
        Valid($"P-{i:D3}", industry: i % 9 == 0 ? "energy" : i % 4 == 0 ? "water" : "housing-construction", scope: i % 5 == 0 ? ["construction", "equipment"] : []);
}
