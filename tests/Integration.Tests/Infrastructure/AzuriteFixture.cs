using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// Runs the Azurite table service pinned in tests/azurite on a free loopback port for the tests of one collection.
/// A machine without Node.js, or an Azurite that does not start, fails the tests: the Azure adapter must never go untested.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly StringBuilder output = new();
    private Process? process;
    private string? workspace;

    public string ConnectionString { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var azuriteFolder = Path.Combine(FindRepositoryRoot(), "tests", "azurite");
        var executable = Path.Combine(azuriteFolder, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite-table.cmd" : "azurite-table");
        if (!File.Exists(executable))
        {
            await InstallAsync(azuriteFolder);
            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"'npm ci' in {azuriteFolder} did not produce {executable}.");
            }
        }

        var port = FreeLoopbackPort();
        workspace = Directory.CreateTempSubdirectory("azurite-").FullName;
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
            "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // In memory, so nothing outlives the run; the temporary working folder catches any stray files.
            "--inMemoryPersistence",
            "--disableTelemetry",
            "--skipApiVersionCheck",
            "--silent",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        process = Start(startInfo, "Azurite");
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await WaitUntilListeningAsync(port);
        ConnectionString = ConnectionStringFor(port);
    }

    /// <summary>The well-known development account of Azurite, served on <paramref name="port"/> of the loopback interface.</summary>
    public static string ConnectionStringFor(int port) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (workspace is not null && Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Integration.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Integration.sln; cannot find tests/azurite.");
    }

    private static async Task InstallAsync(string azuriteFolder)
    {
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = azuriteFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var npm = Start(startInfo, "npm (Node.js)");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        try
        {
            await npm.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'npm ci' in {azuriteFolder} took longer than {InstallTimeout}.");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'npm ci' in {azuriteFolder} failed with exit code {npm.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static Process Start(ProcessStartInfo startInfo, string what)
    {
        try
        {
            return Process.Start(startInfo) ?? throw new InvalidOperationException($"{what} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Cannot run {startInfo.FileName}: {ex.Message}. The Azure Table storage tests need Node.js and npm on the PATH.", ex);
        }
    }

    /// <summary>A port nothing listens on (until someone else takes it).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on port {port}:\n{Output()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
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

[CollectionDefinition(nameof(AzuriteCollection))]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
