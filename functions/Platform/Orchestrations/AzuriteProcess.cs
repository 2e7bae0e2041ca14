using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>Which Azurite services to run: the table service alone (the Table storage adapter), or blob, queue and table (Durable Task).</summary>
public enum AzuriteServices
{
    Table,
    BlobQueueTable,
}

/// <summary>How to start Azurite: the folder of its pinned npm package, the services, and where it keeps its data (null: in memory).</summary>
public sealed record AzuriteStart(string PackageFolder, AzuriteServices Services, string? DataFolder = null);

/// <summary>
/// The Azurite emulator pinned in shared/azurite (one copy for the app, the tests and the benchmarks): installed with
/// <c>npm ci</c> when missing, started on loopback ports its listeners pick themselves (port 0, read back from its output),
/// without telemetry. Disposing kills it. With a data folder
/// it writes a pid file there, so that an app killed with SIGKILL adopts the Azurite it left running instead of starting
/// a second one over the same files.
/// </summary>
public sealed partial class AzuriteProcess : IDisposable
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>Azurite's published development account key, the same for every installation.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string PidFileName = "azurite.pid.json";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly StringBuilder output = new();
    private readonly string workspace;
    private readonly bool ownsWorkspace;

    private readonly Dictionary<string, int> listening = new(StringComparer.Ordinal);

    private AzuriteProcess(Process process, string workspace, bool ownsWorkspace, AzuritePorts ports)
    {
        Process = process;
        this.workspace = workspace;
        this.ownsWorkspace = ownsWorkspace;
        Ports = ports;
    }

    public Process Process { get; }

    /// <summary>The ports each service listens on: read from Azurite once it has bound them.</summary>
    public AzuritePorts Ports { get; private set; }

    public string ConnectionString => Ports.ConnectionString();

    public string Version { get; private init; } = "unknown";

    /// <summary>True when this instance adopted an Azurite a previous run of the app left behind.</summary>
    public bool Adopted { get; private init; }

    /// <summary>The folder of the pinned package: shared/azurite under the repository root.</summary>
    public static string PackageFolderIn(string repositoryRoot) => Path.Combine(repositoryRoot, "shared", "azurite");

    /// <summary>The pinned package folder in <paramref name="start"/> or the nearest folder above it that has one; null if none has.</summary>
    public static string? FindPackageFolder(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = PackageFolderIn(folder.FullName);
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The well-known development account of Azurite's table service, on <paramref name="port"/> of the loopback interface.</summary>
    public static string ConnectionStringFor(int port) => new AzuritePorts(null, null, port).ConnectionString();

    /// <summary>A port nothing listens on now, for a child process that must be told its port before it starts.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The table service alone, in memory: what the Table storage tests and benchmarks run against.</summary>
    public static Task<AzuriteProcess> StartAsync(string repositoryRoot, CancellationToken cancellationToken) =>
        StartAsync(new AzuriteStart(PackageFolderIn(repositoryRoot), AzuriteServices.Table), cancellationToken);

    public static async Task<AzuriteProcess> StartAsync(AzuriteStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var folder = start.PackageFolder;
        // Always the whole emulator: azurite-table alone prints the port it was given ("started on 127.0.0.1:0"), not
        // the one its listener took, so port 0 could not be read back. A table-only caller just ignores blob and queue.
        const string binary = "azurite";
        var executable = Path.Combine(folder, "node_modules", ".bin", OperatingSystem.IsWindows() ? binary + ".cmd" : binary);
        await EnsureInstalledAsync(folder, executable, cancellationToken);

        if (start.DataFolder is not null)
        {
            Directory.CreateDirectory(start.DataFolder);
            var adopted = await TryAdoptAsync(start.DataFolder, cancellationToken);
            if (adopted is not null)
            {
                return adopted;
            }
        }

        // Port 0: each service's listener takes a free port as it binds and Azurite prints it. Reserving ports here
        // and releasing them for Azurite to take would leave a window in which any other socket could take one.
        var ports = new AzuritePorts(0, 0, 0);
        var workspace = start.DataFolder ?? Directory.CreateTempSubdirectory("azurite-").FullName;
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(ports, start.DataFolder))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Azurite did not start.");
        var azurite = new AzuriteProcess(process, workspace, ownsWorkspace: start.DataFolder is null, ports) { Version = InstalledVersion(folder) };
        process.OutputDataReceived += (_, e) => azurite.Record(e.Data);
        process.ErrorDataReceived += (_, e) => azurite.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            azurite.Ports = await azurite.WaitUntilListeningAsync(start.Services, cancellationToken);
        }
        catch
        {
            azurite.Dispose();
            throw;
        }

        if (start.DataFolder is not null)
        {
            var bound = azurite.Ports;
            await File.WriteAllTextAsync(
                Path.Combine(start.DataFolder, PidFileName),
                JsonSerializer.Serialize(new PidFile(process.Id, bound.Blob, bound.Queue, bound.Table)),
                cancellationToken);
        }

        return azurite;
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // An adopted process that is not our child may already be gone.
        }

        Process.Dispose();
        var pidFile = Path.Combine(workspace, PidFileName);
        if (!ownsWorkspace && File.Exists(pidFile))
        {
            File.Delete(pidFile);
        }

        if (ownsWorkspace)
        {
            try
            {
                Directory.Delete(workspace, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static IEnumerable<string> Arguments(AzuritePorts ports, string? dataFolder)
    {
        if (ports.Blob is { } blob)
        {
            yield return "--blobHost";
            yield return "127.0.0.1";
            yield return "--blobPort";
            yield return blob.ToString(CultureInfo.InvariantCulture);
        }

        if (ports.Queue is { } queue)
        {
            yield return "--queueHost";
            yield return "127.0.0.1";
            yield return "--queuePort";
            yield return queue.ToString(CultureInfo.InvariantCulture);
        }

        yield return "--tableHost";
        yield return "127.0.0.1";
        yield return "--tablePort";
        yield return ports.Table.ToString(CultureInfo.InvariantCulture);
        if (dataFolder is null)
        {
            // In memory: nothing outlives the run.
            yield return "--inMemoryPersistence";
        }
        else
        {
            yield return "--location";
            yield return dataFolder;
        }

        yield return "--disableTelemetry";
        yield return "--skipApiVersionCheck";
        yield return "--silent";
    }

    /// <summary>An Azurite that a killed app left running over the same data folder, if it still answers.</summary>
    private static async Task<AzuriteProcess?> TryAdoptAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataFolder, PidFileName);
        if (!File.Exists(pidFile))
        {
            return null;
        }

        PidFile? recorded;
        try
        {
            recorded = JsonSerializer.Deserialize<PidFile>(await File.ReadAllTextAsync(pidFile, cancellationToken));
        }
        catch (JsonException)
        {
            recorded = null;
        }

        Process? process = null;
        try
        {
            process = recorded is null ? null : Process.GetProcessById(recorded.Pid);
        }
        catch (ArgumentException)
        {
        }

        var ports = recorded is null ? null : new AzuritePorts(recorded.Blob, recorded.Queue, recorded.Table);
        if (process is null || process.HasExited || ports is null || !IsAzurite(process) || !await AllListeningAsync(ports, cancellationToken))
        {
            process?.Dispose();
            File.Delete(pidFile);
            return null;
        }

        return new AzuriteProcess(process, dataFolder, ownsWorkspace: false, ports) { Adopted = true };
    }

    private static bool IsAzurite(Process process)
    {
        var commandLine = $"/proc/{process.Id}/cmdline";
        return File.Exists(commandLine)
            ? File.ReadAllText(commandLine).Contains("azurite", StringComparison.OrdinalIgnoreCase)
            : process.ProcessName.Contains("node", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<bool> AllListeningAsync(AzuritePorts ports, CancellationToken cancellationToken)
    {
        foreach (var port in ports.All)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs <c>npm ci</c> once per folder. On a fresh checkout several starters arrive together (two test fixtures, the app
    /// and a test, a benchmark): concurrent installs into one folder fail with ENOTEMPTY, so they take turns, in this process
    /// by a gate and across processes by a lock file, and a marker written after a complete install tells the next one that
    /// there is nothing to do.
    /// </summary>
    private static async Task EnsureInstalledAsync(string folder, string executable, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(folder, "node_modules", ".installed-by-npm-ci");
        if (File.Exists(marker) && File.Exists(executable))
        {
            return;
        }

        await InstallGate.WaitAsync(cancellationToken);
        try
        {
            await using var folderLock = await LockAsync(Path.Combine(folder, ".install.lock"), cancellationToken);
            if (File.Exists(marker) && File.Exists(executable))
            {
                return;
            }

            await InstallAsync(folder, cancellationToken);
            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"'npm ci' in {folder} did not produce {executable}.");
            }

            await File.WriteAllTextAsync(marker, "npm ci completed\n", cancellationToken);
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another process installs; it holds the lock until npm ci has finished.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
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

        Process npm;
        try
        {
            npm = Process.Start(startInfo) ?? throw new InvalidOperationException("npm did not start; Azurite needs Node.js and npm.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("npm was not found; Azurite needs Node.js 20 and npm on the PATH.", e);
        }

        using (npm)
        {
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
    }

    private static string InstalledVersion(string folder)
    {
        var manifest = Path.Combine(folder, "node_modules", "azurite", "package.json");
        if (!File.Exists(manifest))
        {
            return "unknown";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() ?? "unknown" : "unknown";
    }

    /// <summary>Waits until Azurite has printed the port of each service it runs, then checks each one accepts a connection.</summary>
    private async Task<AzuritePorts> WaitUntilListeningAsync(AzuriteServices services, CancellationToken cancellationToken)
    {
        string[] names = ["Blob", "Queue", "Table"];
        var waited = Stopwatch.StartNew();
        while (true)
        {
            AzuritePorts? ports = null;
            lock (output)
            {
                if (names.All(listening.ContainsKey))
                {
                    ports = new AzuritePorts(listening.GetValueOrDefault("Blob") is > 0 and var b ? b : null, listening.GetValueOrDefault("Queue") is > 0 and var q ? q : null, listening["Table"]);
                }
            }

            if (ports is not null && await AllListeningAsync(ports, cancellationToken))
            {
                return services == AzuriteServices.Table ? ports with { Blob = null, Queue = null } : ports;
            }

            if (Process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {Process.ExitCode} before listening:\n{Output()}");
            }

            if (waited.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"Azurite did not report listening within {StartTimeout}:\n{Output()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    listening[match.Groups["service"].Value] = int.Parse(match.Groups["port"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }
        }
    }

    /// <summary>What Azurite 3 prints once a service's listener is bound, with the port it took.</summary>
    [GeneratedRegex(@"^Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^\s]+:(?<port>[0-9]{1,5})\s*$")]
    private static partial Regex ListeningLine();

    private string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private sealed record PidFile(int Pid, int? Blob, int? Queue, int Table);
}

/// <summary>The loopback ports of a running Azurite; blob and queue are absent when only the table service runs.</summary>
public sealed record AzuritePorts(int? Blob, int? Queue, int Table)
{
    public IEnumerable<int> All => new[] { Blob, Queue, (int?)Table }.OfType<int>();

    public string ConnectionString()
    {
        static string Endpoint(string name, int port) =>
            $"{name}Endpoint=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/devstoreaccount1;";

        var builder = new StringBuilder($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteProcess.AccountKey};");
        if (Blob is { } blob)
        {
            builder.Append(Endpoint("Blob", blob));
        }

        if (Queue is { } queue)
        {
            builder.Append(Endpoint("Queue", queue));
        }

        builder.Append(Endpoint("Table", Table));
        return builder.ToString();
    }
}
