using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Integration.Benchmarks.Harness;
using Integration.Benchmarks.Suites;

// Throughput of whole workloads, timed with a Stopwatch: one warm-up, then N runs and their median.
// Not a test: it asserts only that each workload did what it claims, and it is never run by `dotnet test`.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    PrintSuites(Console.Error);
    return 2;
}

if (options.Suites.Contains("list"))
{
    PrintSuites(Console.Out);
    return 0;
}

var unknown = options.Suites.Where(name => name != "all" && BenchmarkSuites.All.All(suite => suite.Name != name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown suite(s): {string.Join(", ", unknown)}.");
    PrintSuites(Console.Error);
    return 2;
}

var selected = BenchmarkSuites.All.Where(suite => options.Suites.Contains("all") || options.Suites.Contains(suite.Name)).ToList();
using var cancellation = new CancellationTokenSource();

// Ctrl+C and SIGTERM both let the suites unwind, so that Azurite is killed and the scratch files go.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Unwind);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Unwind);

if (Debugger.IsAttached || typeof(BenchmarkRun).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
        .OfType<DebuggableAttribute>().Any(attribute => attribute.IsJITOptimizerDisabled))
{
    Console.Error.WriteLine("warning: not an optimised build; run with -c Release for figures worth keeping.");
}

foreach (var line in MachineInfo.Describe())
{
    Console.WriteLine(line);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"repetitions: {(options.Repetitions is { } reps ? reps.ToString(CultureInfo.InvariantCulture) : $"{BenchmarkOptions.DefaultRepetitions} (fewer where a workload sets it)")} after one warm-up; scale {options.Scale}; data under {options.DataRoot}"));
Directory.CreateDirectory(options.DataRoot);

// Listening from the start, so the first workload's events are not lost to the listener's own start-up.
using var allocations = AllocationCounter.Instance;
var run = new BenchmarkRun(options, Console.Out);
var total = Stopwatch.StartNew();
try
{
    foreach (var suite in selected)
    {
        Console.WriteLine($"{suite.Name}: {suite.Description}");
        await suite.RunAsync(run, cancellation.Token);
    }
}
catch (Exception) when (cancellation.IsCancellationRequested)
{
    // Adapters wrap a cancelled call in their own exception (the Azure one in a TableStoreException), so any will do.
    Console.Error.WriteLine();
    Console.Error.WriteLine("cancelled; the results so far follow.");
}

var report = Report.Markdown(run.Results, run.PeaksArePerWorkload);
Console.WriteLine();
Console.WriteLine(report);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total time {total.Elapsed.TotalMinutes:F1} min"));
if (options.OutputFile is { } output)
{
    await File.WriteAllTextAsync(output, report);
}

return cancellation.IsCancellationRequested ? 130 : 0;

void Unwind(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}

static void PrintSuites(TextWriter writer)
{
    writer.WriteLine("suites:");
    foreach (var suite in BenchmarkSuites.All)
    {
        writer.WriteLine($"  {suite.Name,-9} {suite.Description}");
    }
}
