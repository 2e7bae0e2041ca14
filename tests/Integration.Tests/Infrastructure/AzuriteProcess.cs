using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// The Azurite table service pinned in tests/azurite: installed with <c>npm ci</c> when missing, started on a free
/// loopback port, in memory, without telemetry. Disposing kills it. Shared by the tests' fixture and the
/// benchmarks (linked into both projects), so both run the same Azurite the same way.
/// </summary>
internal sealed class AzuriteProcess : IDisposable
{
    // Azurite's published development account key, the same for every installation.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly StringBuilder output = new();
    private readonly string workspace;

    private AzuriteProcess(Process process, string workspace, int port)
    {
        Process = process;
        this.workspace = workspace;
        ConnectionString = ConnectionStringFor(port);
    }

    public Process Process { get; }

    public string ConnectionString { get; }

    public string Version { get; private init; } = "unknown";

    /// <summary>The well-known development account of Azurite, served on <paramref name="port"/> of the loopback interface.</summary>
    public static string ConnectionStringFor(int port) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/devstoreaccount1;";

    /// <summary>A port nothing listens on now, for a child process that must be told its port before it starts.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<AzuriteProcess> StartAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(repositoryRoot, "tests", "azurite");
        var executable = Path.Combine(folder, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite-table.cmd" : "azurite-table");
        if (!File.Exists(executable))
        {
            await InstallAsync(folder, cancellationToken);
            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"'npm ci' in {folder} did not produce {executable}.");
            }
        }

        var port = FreeLoopbackPort();
        var workspace = Directory.CreateTempSubdirectory("azurite-").FullName;
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--tableHost", "127.0.0.1",
            "--tablePort", port.ToString(CultureInfo.InvariantCulture),
            // In memory, as in the tests: nothing outlives the run, and the comparison is not about Azurite's disk format.
            "--inMemoryPersistence",
            "--disableTelemetry",
            "--skipApiVersionCheck",
            "--silent",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Azurite did not start.");
        var azurite = new AzuriteProcess(process, workspace, port) { Version = InstalledVersion(folder) };
        process.OutputDataReceived += (_, e) => azurite.Record(e.Data);
        process.ErrorDataReceived += (_, e) => azurite.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await azurite.WaitUntilListeningAsync(port, cancellationToken);
        }
        catch
        {
            azurite.Dispose();
            throw;
        }

        return azurite;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
        try
        {
            Directory.Delete(workspace, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task InstallAsync(string folder, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(startInfo) ?? throw new InvalidOperationException("npm did not start; Azurite needs Node.js and npm.");
        var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await npm.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw;
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {folder} failed with exit code {npm.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static string InstalledVersion(string folder)
    {
        var manifest = Path.Combine(folder, "node_modules", "azurite", "package.json");
        if (!File.Exists(manifest))
        {
            return "unknown";
        }

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() ?? "unknown" : "unknown";
    }

    private async Task WaitUntilListeningAsync(int port, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {Process.ExitCode} before listening on port {port}:\n{Output()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (waited.Elapsed < StartTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"Azurite did not listen on port {port} within {StartTimeout}:\n{Output()}", ex);
            }
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
