using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Integration.Benchmarks.Harness;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// The function app as it is deployed: its own process (<c>dotnet Integration.Functions.dll</c> from the build output
/// of functions/, in the configuration this program was built in), on a loopback port and a data folder of its own.
/// Its console output is drained and the last lines kept, to explain a failure. Disposing kills it.
/// </summary>
internal sealed class FunctionAppProcess : IDisposable
{
    public const string AppFileName = "Integration.Functions.dll";
    private const int KeptLines = 60;
    private const string PullCategory = "\"Category\":\"Integration.Functions.Approvals.Pull.ApprovalPull\"";

    private readonly Queue<string> tail = new();
    private readonly List<string> pullReports = [];

    private FunctionAppProcess(Process process, Uri baseAddress)
    {
        Process = process;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Process Process { get; }

    /// <summary>Calls the app as its administrator, with the key every principal has in the Development environment.</summary>
    public HttpClient Client { get; }

    /// <summary>The folder of the function app's build output, next to this program's in the same configuration.</summary>
    public static string AppFolder(string repositoryRoot)
    {
        // This program runs from bench/Integration.Benchmarks/bin/{configuration}/{framework}/.
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var configuration = own.Parent?.Name ?? "Release";
        var folder = Path.Combine(repositoryRoot, "functions", "bin", configuration, own.Name);
        return File.Exists(Path.Combine(folder, AppFileName))
            ? folder
            : throw new InvalidOperationException($"No {AppFileName} in {folder}; build it first: dotnet build -c {configuration} functions");
    }

    /// <summary>Starts the app with <paramref name="settings"/> as environment variables (configuration keys with ':' as '__').</summary>
    public static FunctionAppProcess Start(string appFolder, int port, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var startInfo = new ProcessStartInfo("dotnet")
        {
            // The content root: appsettings.json, the municipality and the calendar are read from here.
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(appFolder, AppFileName));
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("The function app did not start.");
        var app = new FunctionAppProcess(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        app.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dev-admin");
        process.OutputDataReceived += (_, e) => app.Record(e.Data);
        process.ErrorDataReceived += (_, e) => app.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>
    /// The process's peak resident set so far: VmHWM from /proc on Linux, which a process keeps until it exits, so it
    /// must be read before the process is killed.
    /// </summary>
    public long PeakResidentBytes()
    {
        var status = $"/proc/{Process.Id}/status";
        if (File.Exists(status))
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                return kib * 1024;
            }
        }

        return Memory.PeakWorkingSet(Process);
    }

    /// <summary>The state of the pull's own report lines ("Approval pull from …: N pages, … stored, …"), oldest first.</summary>
    public IReadOnlyList<JsonElement> PullReports()
    {
        lock (tail)
        {
            return pullReports.Select(line =>
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.TryGetProperty("State", out var state) ? state.Clone() : default;
            }).Where(state => state.ValueKind == JsonValueKind.Object).ToArray();
        }
    }

    /// <summary>Waits until <c>/api/health</c> answers 2xx (the engine's Azurite and task hub can take a while to start).</summary>
    public async Task WaitHealthyAsync(TimeSpan patience, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < patience)
        {
            try
            {
                if ((await Client.GetAsync("api/health", ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, ct);
        }

        throw new TimeoutException($"The function app did not become healthy.\n{Output()}");
    }

    public string Output()
    {
        lock (tail)
        {
            return string.Join(Environment.NewLine, tail);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (tail)
        {
            tail.Enqueue(line);
            if (tail.Count > KeptLines)
            {
                tail.Dequeue();
            }

            if (line.Contains(PullCategory, StringComparison.Ordinal) && line.Contains("Approval pull from", StringComparison.Ordinal))
            {
                pullReports.Add(line);
            }
        }
    }
}
