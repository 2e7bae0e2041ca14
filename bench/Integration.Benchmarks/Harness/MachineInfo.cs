using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Integration.Benchmarks.Harness;

internal static class MachineInfo
{
    public static IReadOnlyList<string> Describe()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return
        [
            $"cpu: {CpuModel()}, {Environment.ProcessorCount} logical processors",
            $"memory available to the process: {memory / (1024.0 * 1024 * 1024):F1} GiB",
            $"os: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
            $"runtime: {RuntimeInformation.FrameworkDescription}",
            $"gc: {(GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {GCSettings.LatencyMode}",
            $"sqlite: {SqliteVersion()} (bundled with Microsoft.Data.Sqlite)",
        ];
    }

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return command.ExecuteScalar() as string ?? "unknown";
    }

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (File.Exists(cpuInfo))
        {
            var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
