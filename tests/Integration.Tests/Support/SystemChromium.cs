using System.Diagnostics;

namespace Integration.Tests.Support;

/// <summary>
/// Debian's chromium for the browser tests (never a browser Playwright downloads: the build machines reach only the
/// Debian, NuGet and npm registries). The README's test command has to pass on a fresh machine that has only the .NET
/// SDK and Node.js, so the first browser test installs chromium (and the CJK fonts its screenshots need) with apt when
/// it is missing and the test runs as root or with password-less sudo; otherwise it fails saying what to install.
/// </summary>
internal static class SystemChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    private static readonly SemaphoreSlim Installing = new(1, 1);

    public static async Task<string> PathAsync()
    {
        if (Find() is { } found)
        {
            return found;
        }

        await Installing.WaitAsync();
        try
        {
            if (Find() is { } installedMeanwhile)
            {
                return installedMeanwhile;
            }

            var log = await InstallAsync();
            var path = Find();
            Assert.True(path is not null, "The browser tests need Debian's chromium (apt-get install chromium fonts-noto-cjk); installing it failed:\n" + log);
            return path!;
        }
        finally
        {
            Installing.Release();
        }
    }

    private static string? Find() => Candidates.FirstOrDefault(File.Exists);

    private static async Task<string> InstallAsync()
    {
        string[] prefix;
        if (await RunAsync("id", ["-u"]) is (0, var uid) && uid.Trim() == "0")
        {
            prefix = [];
        }
        else if (await RunAsync("sudo", ["-n", "true"]) is (0, _))
        {
            prefix = ["sudo", "-n"];
        }
        else
        {
            return "not root and no password-less sudo: install chromium and fonts-noto-cjk yourself.";
        }

        // Another process may hold apt's lock (an unattended upgrade, a parallel run): wait for it rather than fail.
        string[] wait = ["-o", "DPkg::Lock::Timeout=600"];
        var update = await RunAsync(prefix, ["apt-get", "update", "-qq", .. wait]);
        var install = await RunAsync(prefix, ["apt-get", "install", "-y", "-qq", "--no-install-recommends", .. wait, "chromium", "fonts-noto-cjk"]);
        return $"apt-get update: exit {update.ExitCode}\n{update.Output}\napt-get install: exit {install.ExitCode}\n{install.Output}";
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string[] prefix, string[] command) =>
        prefix.Length == 0 ? RunAsync(command[0], command[1..]) : RunAsync(prefix[0], [.. prefix[1..], .. command]);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output + await error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{file}: {e.Message}");
        }
    }
}
