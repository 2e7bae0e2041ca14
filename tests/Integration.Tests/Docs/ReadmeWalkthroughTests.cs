using System.Diagnostics;
using Integration.Tests.Support;

namespace Integration.Tests.Docs;

/// <summary>
/// Issue 19.7: the shell walk-throughs of README.md and docs/*.md, pasted as they are, work on the day the test runs,
/// against the built app started as its own process the way the README starts it (Development, the sample approval feed,
/// the Durable engine on an Azurite the app starts), on a free loopback port with a data folder of its own.
/// </summary>
[Trait("lane", "integration")]
public sealed class ReadmeWalkthroughTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_shell_walk_through_of_the_readme_and_the_docs_runs_as_pasted_against_the_started_app()
    {
        var files = ShellWalkthroughs.Files();
        // Marking a block as not a walk-through is for blocks that cannot run here, not a way to silence one that fails.
        Assert.True(Walkthroughs(files, "README.md") >= 5, "README.md has lost its walk-throughs.");
        Assert.True(Walkthroughs(files, "docs/operations.md") >= 4, "docs/operations.md has lost its walk-throughs.");

        var azurite = Path.Combine(Path.GetTempPath(), "integration-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = await BuiltFunctionApp.StartAsync(
                new Dictionary<string, string>
                {
                    ["Connectors:ApprovalSystem:BaseUrl"] = "/sample/approval-system",
                    ["Durable:AzuriteDataPath"] = azurite,
                },
                Ct);
            var origin = app.Address.GetLeftPart(UriPartial.Authority);

            // One bash session per file (blocks share variables within a file), files in order against the same app.
            foreach (var (file, blocks) in files.Where(f => f.Blocks.Any(b => b.IsWalkthrough)))
            {
                var (exitCode, output) = await RunAsync(ShellWalkthroughs.Script(blocks, origin));
                Assert.True(exitCode == 0, $"A walk-through of {file} failed (exit {exitCode}):\n{Tail(output)}\n\nThe app:\n{app.Output}");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(azurite, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    [Fact]
    public void A_block_marked_as_not_a_walk_through_is_left_out_and_the_others_keep_their_order()
    {
        const string markdown = """
            ```sh
            echo one
            ```
            <!-- not a walk-through: starts the app -->
            ```sh
            dotnet run
            ```
            - a list item:

              ```bash
              echo two
              ```
            """;
        var blocks = ShellWalkthroughs.Blocks("x.md", markdown);

        Assert.Equal(["echo one", "echo two"], blocks.Where(b => b.IsWalkthrough).Select(b => b.Code));
        Assert.Equal("starts the app", Assert.Single(blocks, b => !b.IsWalkthrough).NotWalkthroughBecause);
        Assert.Equal([2, 6, 11], blocks.Select(b => b.Line));
    }

    private static int Walkthroughs(IReadOnlyList<(string File, IReadOnlyList<ShellBlock> Blocks)> files, string file) =>
        files.Where(f => f.File == file).SelectMany(f => f.Blocks).Count(b => b.IsWalkthrough);

    private static async Task<(int ExitCode, string Output)> RunAsync(string script)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-s");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, await output + "\n(the walk-through did not finish within 3 minutes)");
        }

        return (process.ExitCode, await output);
    }

    private static string Tail(string output) => output.Length <= 6000 ? output : "…" + output[^6000..];
}
