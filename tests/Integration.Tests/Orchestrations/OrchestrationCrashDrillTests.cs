using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Integration.Domain.Storage;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Operations.Probe;
using Integration.Functions.Platform.Orchestrations;
using Integration.Tests.Support;

namespace Integration.Tests.Orchestrations;

/// <summary>
/// The function app in a process of its own, on a task hub in Azurite, killed with SIGKILL twice over: while one probe
/// waits for its external event, and while another probe's effect activity runs. After a restart both complete, and no
/// effect is applied twice (each attempt of the effect activity leaves a row saying whether it applied the effect).
/// </summary>
[Trait("lane", "drill")]
[Collection(nameof(DurableAzuriteCollection))]
public sealed class OrchestrationCrashDrillTests(DurableAzuriteFixture azurite) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);
    private readonly string dataPath = Directory.CreateTempSubdirectory("orchestration-drill-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Killed_while_waiting_for_an_event_and_while_an_activity_runs_both_probes_complete_after_restart_and_no_effect_is_applied_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = azurite.DrillEnvironment(dataPath);

        using (var first = await AppProcess.StartAsync(settings, ct))
        {
            await first.Admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { instanceId = "drill-event", waitSeconds = 600 }, ct);
            await first.WaitForAsync("drill-event", d => Step(d) == "waiting-for-acknowledgement", ct);
            await first.Admin.PostAsJsonAsync("/api/operations/orchestrations/probe", new { instanceId = "drill-activity", waitSeconds = 1, effectDelayMs = 8000 }, ct);
            await WaitForRunningAttemptAsync("drill-activity", ct);
            first.Kill();
        }

        using var second = await AppProcess.StartAsync(settings, ct);
        var raised = await second.Admin.PostAsJsonAsync("/api/operations/orchestrations/drill-event/events/probe-ack", new { by = "drill" }, ct);
        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        var eventProbe = await second.WaitForAsync("drill-event", d => Status(d) is "Completed" or "Failed", ct);
        var activityProbe = await second.WaitForAsync("drill-activity", d => Status(d) is "Completed" or "Failed", ct);

        Assert.Equal("Completed", Status(eventProbe));
        Assert.Equal("Completed", Status(activityProbe));
        Assert.True(eventProbe.GetProperty("output").GetProperty("Acknowledged").GetBoolean());
        Assert.Equal("drill", eventProbe.GetProperty("output").GetProperty("AcknowledgedBy").GetString());

        var eventAttempts = await AttemptsAsync("drill-event", ct);
        Assert.Equal(["applied"], eventAttempts.Select(a => a.GetString("outcome")));
        var activityAttempts = await AttemptsAsync("drill-activity", ct);
        Assert.True(activityAttempts.Count >= 2, "the effect activity ran again after the kill");
        Assert.Contains(activityAttempts, a => a.GetString("outcome") == "running");
        Assert.Single(activityAttempts, a => a.GetString("outcome") == ProbeEffectActivity.Applied);
        foreach (var instance in new[] { "drill-event", "drill-activity" })
        {
            Assert.NotNull(await Store().GetAsync(ProbeEffectActivity.Table, instance, "effect", ct));
        }
    }

    private static string? Status(JsonElement detail) => detail.GetProperty("status").GetString();

    private static string? Step(JsonElement detail) =>
        detail.GetProperty("customStatus") is { ValueKind: JsonValueKind.Object } s ? (s.TryGetProperty("Step", out var step) ? step.GetString() : s.GetRawText()) : null;

    private SqliteTableStore Store() => new(new SqliteDatabase(Path.Combine(dataPath, "integration.db")), TimeProvider.System);

    private async Task<IReadOnlyList<TableEntity>> AttemptsAsync(string instanceId, CancellationToken ct)
    {
        try
        {
            var page = await Store().QueryAsync(ProbeEffectActivity.Table, TableQuery.RowKeyPrefix(instanceId, "attempt-"), cancellationToken: ct);
            return page.Entities;
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.NotFound)
        {
            return [];
        }
    }

    private async Task WaitForRunningAttemptAsync(string instanceId, CancellationToken ct)
    {
        await Eventually.WaitUntilAsync(
            async () => (await AttemptsAsync(instanceId, ct)).Any(a => a.GetString("outcome") == "running"),
            Patience,
            $"the effect activity of {instanceId} started",
            ct);
    }

    /// <summary>The built function app (<c>dotnet Integration.Functions.dll</c>) on a free loopback port.</summary>
    internal sealed class AppProcess : IDisposable
    {
        private readonly Process process;
        private readonly Queue<string> tail = new();

        private AppProcess(Process process, int port)
        {
            this.process = process;
            Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dev-admin");
        }

        public HttpClient Admin { get; }

        public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
        {
            var directory = typeof(OrchestrationCrashDrillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(attribute => attribute.Key == "FunctionAppDirectory").Value!;
            var port = AzuriteProcess.FreeLoopbackPort();
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(directory, "Integration.Functions.dll"));
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            foreach (var (key, value) in settings)
            {
                start.Environment[key] = value;
            }

            var app = new AppProcess(Process.Start(start)!, port);
            app.process.OutputDataReceived += (_, line) => app.Collect(line.Data);
            app.process.ErrorDataReceived += (_, line) => app.Collect(line.Data);
            app.process.BeginOutputReadLine();
            app.process.BeginErrorReadLine();

            try
            {
                await Eventually.WaitUntilAsync(
                    async () =>
                    {
                        Assert.False(app.process.HasExited, $"The app exited: {app.Tail()}");
                        try
                        {
                            return (await app.Admin.GetAsync("api/health", ct)).IsSuccessStatusCode;
                        }
                        catch (HttpRequestException)
                        {
                            return false;
                        }
                    },
                    Patience,
                    "the app became healthy",
                    app.Tail,
                    ct);
                return app;
            }
            catch
            {
                app.Dispose();
                throw;
            }
        }

        public async Task<JsonElement> WaitForAsync(string instanceId, Func<JsonElement, bool> done, CancellationToken ct)
        {
            var last = "nothing";
            JsonElement reached = default;
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    var response = await Admin.GetAsync($"api/operations/orchestrations/{instanceId}", ct);
                    var text = await response.Content.ReadAsStringAsync(ct);
                    if (!response.IsSuccessStatusCode)
                    {
                        last = $"{(int)response.StatusCode} {text}";
                        return false;
                    }

                    reached = JsonDocument.Parse(text).RootElement.Clone();
                    last = $"{Status(reached)} / {Step(reached)}";
                    return done(reached);
                },
                Patience,
                $"{instanceId} got there",
                () => $"{last}\n{Tail()}",
                ct);
            return reached;
        }

        /// <summary>SIGKILL on Linux: no shutdown, no disposal, no flushing.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public void Dispose()
        {
            Admin.Dispose();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        private void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 40)
                {
                    tail.Dequeue();
                }
            }
        }

        private string Tail()
        {
            lock (tail)
            {
                return string.Join(Environment.NewLine, tail);
            }
        }
    }
}
