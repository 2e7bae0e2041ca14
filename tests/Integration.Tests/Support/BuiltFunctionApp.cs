using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;

namespace Integration.Tests.Support;

/// <summary>
/// The function app as it is deployed: <c>dotnet Integration.Functions.dll</c> from its build output, in the
/// Development environment, on a free loopback port with a data folder of its own. The process is the app itself (not
/// <c>dotnet run</c>, whose process is the CLI), so its <c>/proc</c> figures are the app's.
/// </summary>
public sealed class BuiltFunctionApp : IAsyncDisposable
{
    private readonly Process process;
    private readonly string data;
    private readonly ConcurrentQueue<string> output = new();

    private BuiltFunctionApp(Process process, Uri address, string data)
    {
        this.process = process;
        this.data = data;
        Address = address;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public int ProcessId => process.Id;

    public string Output => string.Join('\n', output.TakeLast(60));

    /// <summary>Every line the app wrote so far.</summary>
    public IReadOnlyCollection<string> Lines => output;

    public static async Task<BuiltFunctionApp> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var directory = typeof(BuiltFunctionApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "FunctionAppDirectory").Value!;
        var port = Integration.Tests.Infrastructure.AzuriteFixture.FreeLoopbackPort();
        var data = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "Integration.Functions.dll"));
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["Storage__DataPath"] = data;
        start.Environment["Connectors__ApprovalSystem__BaseUrl"] = "";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return await LaunchAsync(start, port, data, ct);
    }

    /// <summary>
    /// Starts the app as <paramref name="start"/> says (the built dll, or <c>dotnet run</c> as an operator types it), listening on
    /// <paramref name="port"/> with <paramref name="data"/> as its data folder (deleted on dispose), and waits until it is healthy
    /// (or, with <paramref name="unhealthy"/>, until its health answers 503: an instance nobody can sign in to, on purpose).
    /// </summary>
    public static async Task<BuiltFunctionApp> LaunchAsync(ProcessStartInfo start, int port, string data, CancellationToken ct, bool unhealthy = false)
    {
        ArgumentNullException.ThrowIfNull(start);
        var app = new BuiltFunctionApp(Process.Start(start)!, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), data);
        try
        {
            await app.WaitUntilHealthyAsync(unhealthy ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, ct);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client(string key, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// A figure of <c>/proc/&lt;pid&gt;/status</c> in bytes: <c>VmHWM</c> is the peak resident set since the process
    /// started (the kernel's count, independent of the GC's view), <c>VmRSS</c> the resident set now.
    /// </summary>
    public long ProcStatusBytes(string field)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Replace("kB", "", StringComparison.Ordinal).Trim(), NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
    }

    private async Task WaitUntilHealthyAsync(HttpStatusCode ready, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.WaitUntilAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"the app stopped: {Output}");
                try
                {
                    return (await client.GetAsync("/api/health", ct)).StatusCode == ready;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    return false;
                }
            },
            TimeSpan.FromMinutes(2),
            $"the app answered {(int)ready} on /api/health",
            () => Output,
            ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }
}
