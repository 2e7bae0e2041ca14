using Integration.Functions.Platform.Hosting;

namespace Integration.Tests.Platform.Hosting;

[Trait("lane", "unit")]
public sealed class FunctionsHostTests
{
    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void The_functions_host_is_recognised_by_the_grpc_endpoint_it_passes_the_worker()
    {
        // As the host starts a .NET isolated worker: the assembly, then its own switches.
        string[] args = ["/home/site/wwwroot/Integration.Functions.dll", "--functions-uri", "http://127.0.0.1:40123/", "--functions-worker-id", "w1", "--functions-request-id", "r1", "--functions-grpc-max-message-length", "2147483647"];
        Assert.True(FunctionsHost.LaunchedThisProcess(args, NoEnvironment));
        Assert.True(FunctionsHost.LaunchedThisProcess(["--functions-uri=http://127.0.0.1:40123/"], NoEnvironment));
        Assert.True(FunctionsHost.LaunchedThisProcess([], name => name == "Functions__Worker__HostEndpoint" ? "http://127.0.0.1:40123/" : null));
    }

    [Fact]
    public void Dotnet_run_and_the_tests_are_local_runs()
    {
        Assert.False(FunctionsHost.LaunchedThisProcess([], NoEnvironment));
        Assert.False(FunctionsHost.LaunchedThisProcess(["--urls", "http://127.0.0.1:7071", "--Storage:Provider=Sqlite"], NoEnvironment));
        // The worker runtime setting alone (e.g. left in a developer's shell) is not a host.
        Assert.False(FunctionsHost.LaunchedThisProcess([], name => name == "FUNCTIONS_WORKER_RUNTIME" ? "dotnet-isolated" : null));
    }
}
