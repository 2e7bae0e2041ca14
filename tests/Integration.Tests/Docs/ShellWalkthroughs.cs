using System.Text;
using Integration.Tests.Support;

namespace Integration.Tests.Docs;

/// <summary>A fenced shell block of a Markdown file, where it starts, and whether it is a walk-through to run.</summary>
public sealed record ShellBlock(string File, int Line, string Code, string? NotWalkthroughBecause)
{
    public bool IsWalkthrough => NotWalkthroughBecause is null;
}

/// <summary>
/// The shell walk-throughs of README.md and docs/*.md: every <c>```sh</c> (or bash, shell) block is one, to be run in order
/// in one session per file, unless the line before it is <c>&lt;!-- not a walk-through: why --&gt;</c> (starting the app,
/// the test suite itself, the benchmarks, Azure deployment), which states why nobody should expect it to run here.
/// </summary>
public static class ShellWalkthroughs
{
    public const string Marker = "<!-- not a walk-through:";

    private static readonly string[] ShellFences = ["```sh", "```bash", "```shell"];

    /// <summary>README.md, then docs/*.md in ordinal order, with their shell blocks.</summary>
    public static IReadOnlyList<(string File, IReadOnlyList<ShellBlock> Blocks)> Files()
    {
        var docs = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md")
            .Select(f => "docs/" + Path.GetFileName(f))
            .Order(StringComparer.Ordinal);
        return new[] { "README.md" }.Concat(docs)
            .Select(f => (f, Blocks(f, File.ReadAllText(Path.Combine(RepositoryRoot.Path, f)))))
            .Where(f => f.Item2.Count > 0)
            .ToArray();
    }

    public static IReadOnlyList<ShellBlock> Blocks(string file, string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<ShellBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (!ShellFences.Contains(fence.TrimEnd(), StringComparer.Ordinal))
            {
                continue;
            }

            // A block inside a list item is indented; its lines lose the fence's indentation.
            var indent = lines[i].Length - fence.Length;
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.True(end > i, $"{file}:{i + 1}: the shell block is not closed.");
            var previous = lines.Take(i).LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
            var why = previous.StartsWith(Marker, StringComparison.Ordinal) ? previous[Marker.Length..].Replace("-->", "", StringComparison.Ordinal).Trim() : null;
            Assert.False(why is { Length: 0 }, $"{file}:{i + 1}: a block marked as not a walk-through says why.");
            var code = string.Join('\n', lines[(i + 1)..end].Select(l => l.Length >= indent && l[..indent].Trim().Length == 0 ? l[indent..] : l));
            blocks.Add(new ShellBlock(file, i + 2, code, why));
            i = end;
        }

        return blocks;
    }

    /// <summary>
    /// One bash script running a file's walk-throughs in order against <paramref name="origin"/> (instead of
    /// http://127.0.0.1:7071): it stops at the first failing command, and every curl fails on an HTTP error status
    /// (showing the response body and the command), as a reader pasting the blocks would see it fail.
    /// </summary>
    public static string Script(IEnumerable<ShellBlock> blocks, string origin)
    {
        var script = new StringBuilder("""
            set -eE -o pipefail
            exec 2>&1
            curl() {
              local status=0
              command curl --fail-with-body --show-error --max-time 60 "$@" || status=$?
              if [ "$status" -ne 0 ]; then { printf '\ncurl failed (exit %s):' "$status"; printf ' %q' "$@"; echo; } >&2; fi
              return "$status"
            }
            trap 'echo "walk-through failed in $block: $BASH_COMMAND" >&2' ERR

            """);
        foreach (var block in blocks.Where(b => b.IsWalkthrough))
        {
            script.Append(CultureInfo.InvariantCulture, $"block='{block.File}, block at line {block.Line}'\necho; echo \"### $block\"\n");
            script.Append(block.Code.Replace("http://127.0.0.1:7071", origin, StringComparison.Ordinal)).Append('\n');
        }

        return script.ToString();
    }
}
