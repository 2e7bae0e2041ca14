using System.Reflection;
using System.Reflection.Emit;
using Integration.Functions.Platform.Hosting;
using Microsoft.DurableTask;

namespace Integration.Tests.Orchestrations;

/// <summary>
/// What the Durable Task analyzers do not catch (file and network I/O, <see cref="TimeProvider"/>, stopwatches, random
/// numbers, the table store): no orchestrator of the catalogue, including the state machines of its async methods,
/// calls any of it. Orchestrators are replayed; all of that belongs in activities.
/// </summary>
[Trait("lane", "unit")]
public sealed class OrchestratorDeterminismTests
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void No_orchestrator_of_the_app_reads_the_clock_does_io_or_waits_outside_the_context()
    {
        var orchestrators = FunctionIndex.ForApp.Orchestrations.Select(f => f.Orchestrator).ToArray();
        Assert.NotEmpty(orchestrators);
        Assert.Empty(orchestrators.SelectMany(Violations));
    }

    [Fact]
    public void The_check_finds_an_orchestrator_that_does_io_and_reads_the_clock()
    {
        var found = Violations(typeof(CarelessOrchestrator)).ToArray();
        Assert.Contains(found, v => v.Contains("File.Exists", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("TimeProvider.GetUtcNow", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("Task.Delay", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Violations(Type orchestrator)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = new[] { orchestrator }.Concat(orchestrator.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic));
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                foreach (var called in Calls(method))
                {
                    if (Banned(called))
                    {
                        yield return $"{orchestrator.Name}: {method.Name} calls {called.DeclaringType?.Name}.{called.Name}";
                    }
                }
            }
        }
    }

    private static bool Banned(MemberInfo member)
    {
        var type = member.DeclaringType;
        var ns = type?.Namespace ?? "";
        return ns.StartsWith("System.IO", StringComparison.Ordinal)
            || ns.StartsWith("System.Net", StringComparison.Ordinal)
            || ns.StartsWith("Integration.Domain.Storage", StringComparison.Ordinal)
            || type == typeof(TimeProvider)
            || type == typeof(System.Diagnostics.Stopwatch)
            || type == typeof(Random)
            || type == typeof(Thread)
            || (type == typeof(Environment) && member.Name.StartsWith("get_TickCount", StringComparison.Ordinal))
            || (type == typeof(Guid) && member.Name == nameof(Guid.NewGuid))
            || (type == typeof(Task) && member.Name is nameof(Task.Delay) or nameof(Task.Run))
            || ((type == typeof(DateTime) || type == typeof(DateTimeOffset)) && member.Name is "get_Now" or "get_UtcNow" or "get_Today");
    }

    /// <summary>The methods and constructors a method's IL calls (call, callvirt, newobj, ldftn).</summary>
    private static IEnumerable<MemberInfo> Calls(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var position = 0;
        while (position < il.Length)
        {
            short value = il[position] == 0xFE ? (short)(0xFE00 | il[position + 1]) : il[position];
            position += il[position] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            var operandSize = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
                _ => 4,
            };
            if (opCode == OpCodes.Call || opCode == OpCodes.Callvirt || opCode == OpCodes.Newobj || opCode == OpCodes.Ldftn)
            {
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(
                        BitConverter.ToInt32(il, position),
                        method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                        method.IsGenericMethod ? method.GetGenericArguments() : null);
                }
                catch (ArgumentException)
                {
                }

                if (member is not null)
                {
                    yield return member;
                }
            }

            position += operandSize;
        }
    }

    /// <summary>Never registered: the check's own proof that it can fail. The Durable analyzers (which the
    /// Functions extension brings to this project) see the same faults at compile time; here they are the point.</summary>
#pragma warning disable DURABLE0001, DURABLE0003
    private sealed class CarelessOrchestrator : TaskOrchestrator<string, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
        {
            await Task.Delay(1);
            return File.Exists(input) ? TimeProvider.System.GetUtcNow().ToString("o", CultureInfo.InvariantCulture) : input;
        }
    }
#pragma warning restore DURABLE0001, DURABLE0003
}
