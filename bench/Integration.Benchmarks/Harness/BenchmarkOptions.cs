using System.Globalization;

namespace Integration.Benchmarks.Harness;

/// <summary>The command line: which suites to run, and how hard.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage = """
        Usage: Integration.Benchmarks [suite ...] [--reps N] [--scale F] [--data DIR] [--out FILE]

          suite      one or more of the suites listed below, or 'all' (the default)
          --reps     timed repetitions per workload after one warm-up run (the median is reported); default 3,
                     and 1 for the approval pull, whose runs take minutes each
          --scale    multiplies every workload size, e.g. 0.1 for a quick check that everything runs (default 1)
          --data     folder for the throw-away database files (default: the system temporary folder);
                     the embedded store's figures depend on the disk under it
          --out      also write the results as a Markdown table to this file
        """;

    public IReadOnlyList<string> Suites { get; init; } = [];

    public const int DefaultRepetitions = 3;

    /// <summary>What --reps asked for; null leaves each workload its own default.</summary>
    public int? Repetitions { get; init; }

    public double Scale { get; init; } = 1.0;

    public string DataRoot { get; init; } = Path.Combine(Path.GetTempPath(), "integration-bench");

    public string? OutputFile { get; init; }

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var suites = new List<string>();
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--reps":
                    options = options with { Repetitions = int.Parse(Value(args, ++i), NumberStyles.None, CultureInfo.InvariantCulture) };
                    break;
                case "--scale":
                    options = options with { Scale = double.Parse(Value(args, ++i), NumberStyles.Float, CultureInfo.InvariantCulture) };
                    break;
                case "--data":
                    options = options with { DataRoot = Path.GetFullPath(Value(args, ++i)) };
                    break;
                case "--out":
                    options = options with { OutputFile = Path.GetFullPath(Value(args, ++i)) };
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new ArgumentException($"Unknown option '{option}'.");
                default:
                    suites.Add(args[i]);
                    break;
            }
        }

        if (options.Repetitions is < 1 || options.Scale <= 0 || !double.IsFinite(options.Scale))
        {
            throw new ArgumentException("--reps must be at least 1 and --scale positive.");
        }

        return options with { Suites = suites.Count == 0 ? ["all"] : suites };
    }

    public int RepetitionsOf(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return Repetitions ?? workload.Repetitions ?? DefaultRepetitions;
    }

    /// <summary>A workload size after <see cref="Scale"/>, never below one.</summary>
    public int Scaled(int size) => Math.Max(1, (int)Math.Round(size * Scale, MidpointRounding.AwayFromZero));

    private static string Value(IReadOnlyList<string> args, int index) =>
        index < args.Count ? args[index] : throw new ArgumentException($"Option '{args[index - 1]}' needs a value.");
}
