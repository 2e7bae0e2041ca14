using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using Integration.Tests.Infrastructure;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// The environment is what the operator sets, also under <c>dotnet run</c> with its launch profile: the
/// test host sets the environment itself and would hide a profile that overrides it, so these run the
/// real command as a child process.
/// </summary>
public sealed class EnvironmentProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dotnet_run_with_ASPNETCORE_ENVIRONMENT_Production_really_runs_as_production()
    {
        await using var app = await RunAsync("Production");
        using var client = app.Client("dev-admin");
        var problem = await (await client.GetAsync("/api/me", Ct)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Development keys are accepted only in the Development environment.", problem.GetProperty("detail").GetString());
        Assert.Single(app.Output, l => l.Contains("No API keys are configured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dotnet_run_without_an_environment_is_development_with_its_keys()
    {
        await using var app = await RunAsync(null);
        using var client = app.Client("dev-admin");
        var me = await (await client.GetAsync("/api/me", Ct)).ReadJsonAsync();
        Assert.Equal("admin", me.GetProperty("id").GetString());
    }

    private static async Task<RunningApp> RunAsync(string? environment)
    {
        var configuration = typeof(EnvironmentProcessTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var port = AzuriteFixture.FreeLoopbackPort();
        var data = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in new[]
        {
            "run", "--no-build", "-c", configuration, "--project", "functions", "--",
            "--urls", $"http://127.0.0.1:{port}", $"--Storage:DataPath={data}", "--Connectors:ApprovalSystem:BaseUrl=",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        if (environment is not null)
        {
            start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        }

        var app = new RunningApp(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"), data);
        await app.WaitUntilReadyAsync();
        return app;
    }

    private sealed class RunningApp : IAsyncDisposable
    {
        private readonly Process process;
        private readonly string data;
        private readonly ConcurrentQueue<string> output = new();

        public RunningApp(Process process, Uri address, string data)
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

        public IReadOnlyCollection<string> Output => output;

        public HttpClient Client(string key)
        {
            var client = new HttpClient { BaseAddress = Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        public async Task WaitUntilReadyAsync()
        {
            using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
            var waited = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(process.HasExited, $"the app stopped: {string.Join('\n', output)}");
                Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), $"the app did not answer: {string.Join('\n', output)}");
                try
                {
                    if ((await client.GetAsync("/api/health", Ct)).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
                {
                }

                await Task.Delay(250, Ct);
            }
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
}
