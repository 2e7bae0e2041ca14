namespace Integration.Functions.Platform.Hosting;

/// <summary>Whether the Azure Functions host started this process as its isolated worker.</summary>
public static class FunctionsHost
{
    /// <summary>The worker's setting for the host's gRPC endpoint; without it the worker cannot start.</summary>
    public const string HostEndpointSetting = "Functions:Worker:HostEndpoint";

    /// <summary>
    /// The host starts the worker with <c>--functions-uri &lt;grpc endpoint&gt;</c> (which the worker
    /// maps to <see cref="HostEndpointSetting"/>); the setting may also come from the environment.
    /// Anything else, <c>dotnet run</c> included, is a local run.
    /// </summary>
    public static bool LaunchedThisProcess(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        return args.Any(a => a == "--functions-uri" || a.StartsWith("--functions-uri=", StringComparison.Ordinal))
            || !string.IsNullOrEmpty(environment(HostEndpointSetting.Replace(":", "__", StringComparison.Ordinal)))
            || !string.IsNullOrEmpty(environment(HostEndpointSetting));
    }
}
