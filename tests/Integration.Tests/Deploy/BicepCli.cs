using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Integration.Tests.Deploy;

/// <summary>One diagnostic line of the Bicep compiler: <c>file(line,col) : Warning rule-id: message</c>.</summary>
public sealed record BicepDiagnostic(string File, int Line, string Level, string Code, string Message)
{
    public override string ToString() => $"{Path.GetFileName(File)}({Line}) {Level} {Code}: {Message}";
}

public sealed record BicepRun(int ExitCode, string Output, IReadOnlyList<BicepDiagnostic> Diagnostics);

/// <summary>
/// Runs the Bicep compiler of the Azure.Bicep.CommandLine package the test project references (the path
/// comes in through an assembly attribute), so the templates are checked offline by a pinned version.
/// </summary>
public static partial class BicepCli
{
    private static readonly Lazy<string> Binary = new(Locate);

    public static string Executable => Binary.Value;

    public static async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry and no update check: the run must not depend on the network.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;
        var diagnostics = DiagnosticLine().Matches(text)
            .Select(m => new BicepDiagnostic(
                m.Groups["file"].Value,
                int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
                m.Groups["level"].Value,
                m.Groups["code"].Value,
                m.Groups["message"].Value.Trim()))
            .ToArray();
        return new BicepRun(process.ExitCode, text, diagnostics);
    }

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepExecutable").Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The Bicep compiler of package Azure.Bicep.CommandLine.linux-x64 is missing; restore the test project.", path);
        }

        // NuGet does not keep file modes when it extracts a package.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }

    [GeneratedRegex(@"^(?<file>.+?)\((?<line>\d+),(?<col>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();
}
