using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Integration.Functions.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Integration.Tests.Infrastructure.Topics;

/// <summary>
/// Kills a publisher and then a consumer with SIGKILL part-way, restarts both, and checks that every
/// subscription ends with every message processed exactly once in effect.
/// </summary>
[Trait("lane", "drill")]
public sealed class BusCrashDrillTests : IAsyncDisposable
{
    private const int Count = 10_000;
    private const int Subscriptions = 3;

    private readonly string folder = Path.Combine(Path.GetTempPath(), "bus-drill-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase database;

    public BusCrashDrillTests()
    {
        database = new SqliteDatabase(Path.Combine(folder, "drill.db"));
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_publisher_and_consumer_part_way_loses_nothing_and_duplicates_nothing_in_effect()
    {
        var clock = Stopwatch.StartNew();
        using var consumer = DrillProcess.Start("consume", database.FilePath, Count);
        using (var publisher = DrillProcess.Start("publish", database.FilePath, Count))
        {
            var published = await KillWhenAsync(publisher, "SELECT COUNT(*) FROM bus_duplicates", atLeast: Count / 4);
            Log($"publisher killed with {published} of {Count} messages published");
        }

        using (var publisher = DrillProcess.Start("publish", database.FilePath, Count))
        {
            await publisher.WaitForSuccessAsync();
            Log($"publisher restarted and finished at {clock.Elapsed.TotalSeconds:F1} s");
        }

        var processed = await KillWhenAsync(consumer, "SELECT COUNT(*) FROM drill_processed", atLeast: Count * Subscriptions / 3);
        Log($"consumer killed with {processed} of {Count * Subscriptions} deliveries processed");
        using (var restarted = DrillProcess.Start("consume", database.FilePath, Count))
        {
            await restarted.WaitForSuccessAsync();
            Log($"consumer restarted and finished at {clock.Elapsed.TotalSeconds:F1} s: {restarted.LastLine}");
        }

        Assert.Equal(
            [("all", Count, Count), ("by-kind", Count, Count), ("by-source", Count, Count)],
            await ReadEffectsAsync());
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM bus_deliveries"));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>SIGKILLs the process once the query reaches the threshold and returns the count at that moment.</summary>
    private async Task<long> KillWhenAsync(DrillProcess process, string countQuery, long atLeast)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var count = await CountAsync(countQuery);
            if (count >= atLeast || process.HasExited)
            {
                process.Kill();
                return count;
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"'{countQuery}' stayed at {count}. {process.Output}");
            }

            // Not Eventually: the kill must land part way, so this asks far more often than a wait for a condition would.
            await Task.Delay(10, Cancellation);
        }
    }

    private async Task<long> CountAsync(string query)
    {
        try
        {
            await using var connection = await database.OpenAsync(Cancellation);
            await using var command = connection.CreateCommand();
            command.CommandText = query;
            return (long)(await command.ExecuteScalarAsync(Cancellation))!;
        }
        catch (SqliteException)
        {
            // The child processes create the tables; until then there is nothing to count.
            return 0;
        }
    }

    private async Task<List<(string Subscription, long Effects, long Distinct)>> ReadEffectsAsync()
    {
        await using var connection = await database.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT subscription, COUNT(*), COUNT(DISTINCT message_id) FROM drill_effects
            GROUP BY subscription ORDER BY subscription
            """;
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var effects = new List<(string, long, long)>();
        while (await reader.ReadAsync(Cancellation))
        {
            effects.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return effects;
    }

    private sealed class DrillProcess : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> lines = new();

        private DrillProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, line) => Collect(line.Data);
            process.ErrorDataReceived += (_, line) => Collect(line.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public bool HasExited => process.HasExited;

        public string Output => string.Join(Environment.NewLine, lines);

        public string? LastLine => lines.LastOrDefault();

        public static DrillProcess Start(string mode, string databaseFile, int count)
        {
            var directory = typeof(BusCrashDrillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(attribute => attribute.Key == "BusDrillDirectory").Value!;
            var executable = Path.Combine(directory, OperatingSystem.IsWindows() ? "Integration.BusDrill.exe" : "Integration.BusDrill");
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(mode);
            start.ArgumentList.Add(databaseFile);
            start.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
            return new DrillProcess(new Process { StartInfo = start });
        }

        public void Kill()
        {
            // On Linux this is SIGKILL: no finally blocks, no disposal, no flushing.
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public async Task WaitForSuccessAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"Drill exited with {process.ExitCode}:{Environment.NewLine}{Output}");
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        private void Collect(string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
            }
        }
    }
}
