using Integration.Domain.Storage;
using Integration.Functions.Calendar;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Integration.Functions.Operations.Probe;

/// <summary>What an operator asks of a probe: the working days of its deadline, how long it waits for the acknowledgement, and how long its effect takes.</summary>
public sealed record ProbeInput(int WorkingDays = 3, int WaitSeconds = 300, int EffectDelayMs = 0);

/// <summary>What a finished probe reports: every part of the engine it went through.</summary>
public sealed record ProbeResult(
    DateTimeOffset Deadline,
    DateOnly DeadlineDay,
    bool Provisional,
    bool Acknowledged,
    string? AcknowledgedBy,
    bool TimerCancelled,
    string Effect,
    string Echo);

/// <summary>Shown as the instance's custom status while it runs.</summary>
public sealed record ProbeStatus(string Step, DateTimeOffset? Deadline = null, DateTime? WaitsUntil = null);

/// <summary>The payload of the <see cref="PlatformProbe.AcknowledgeEvent"/> event.</summary>
public sealed record ProbeAcknowledgement([property: System.Text.Json.Serialization.JsonPropertyName("by")] string? By);

public sealed record ProbeDeadlineInput(DateTime From, int WorkingDays);

public sealed record ProbeDeadline(DateTimeOffset DueAt, DateOnly Day, bool Provisional);

public sealed record ProbeEffectInput(string InstanceId, int DelayMs);

/// <summary>
/// The operator's probe of the engine ("is it alive?", and the crash drill's subject): a working-day deadline computed in
/// an activity from the one calendar, an external event raced against a durable timer, an idempotent effect written to
/// the table store, and a sub-orchestration. Deterministic: time comes from the context, everything else from activities.
/// </summary>
public sealed class PlatformProbe : TaskOrchestrator<ProbeInput, ProbeResult>
{
    public const string Name = "platform-probe";
    public const string EchoName = "platform-probe-echo";
    public const string AcknowledgeEvent = "probe-ack";

    [Function(Name)]
    public static Task<ProbeResult> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PlatformProbe().RunAsync(context, context.GetInput<ProbeInput>()!);
    }

    public override async Task<ProbeResult> RunAsync(TaskOrchestrationContext context, ProbeInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        input ??= new ProbeInput();
        var deadline = await context.CallActivityAsync<ProbeDeadline>(ProbeDeadlineActivity.Name, new ProbeDeadlineInput(context.CurrentUtcDateTime, input.WorkingDays));

        var waitsUntil = context.CurrentUtcDateTime.AddSeconds(input.WaitSeconds);
        context.SetCustomStatus(new ProbeStatus("waiting-for-acknowledgement", deadline.DueAt, waitsUntil));
        var acknowledgement = await context.WaitForEventOrTimerAsync<ProbeAcknowledgement>(AcknowledgeEvent, waitsUntil);

        context.SetCustomStatus(new ProbeStatus("applying-effect", deadline.DueAt));
        var effect = await context.CallActivityAsync<string>(ProbeEffectActivity.Name, new ProbeEffectInput(context.InstanceId, input.EffectDelayMs));

        context.SetCustomStatus(new ProbeStatus("sub-orchestration", deadline.DueAt));
        var echo = await context.CallSubOrchestratorAsync<string>(
            EchoName, context.InstanceId, new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}-echo" });

        context.SetCustomStatus(new ProbeStatus("done", deadline.DueAt));
        return new ProbeResult(
            deadline.DueAt,
            deadline.Day,
            deadline.Provisional,
            acknowledgement.EventWon,
            acknowledgement.Value?.By,
            acknowledgement.TimerCancelled,
            effect,
            echo);
    }
}

/// <summary>The probe's child: one activity, so a sub-orchestration and its completion message go through the task hub.</summary>
public sealed class PlatformProbeEcho : TaskOrchestrator<string, string>
{
    [Function(PlatformProbe.EchoName)]
    public static Task<string> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PlatformProbeEcho().RunAsync(context, context.GetInput<string>()!);
    }

    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.CallActivityAsync<string>(ProbeEchoActivity.Name, input);
    }
}

/// <summary>The probe's deadline, counted on the one calendar; in an activity, since the calendar can be reloaded between replays.</summary>
public sealed class ProbeDeadlineActivity(CalendarSource calendar) : TaskActivity<ProbeDeadlineInput, ProbeDeadline>
{
    public const string Name = "probe-deadline";

    [Function(Name)]
    public static Task<ProbeDeadline> Run([ActivityTrigger] ProbeDeadlineInput input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<ProbeDeadlineActivity, ProbeDeadlineInput, ProbeDeadline>(input, context);

    public override Task<ProbeDeadline> RunAsync(TaskActivityContext context, ProbeDeadlineInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var from = new DateTimeOffset(DateTime.SpecifyKind(input.From, DateTimeKind.Utc));
        var deadline = calendar.Current.AddWorkingDays(from, Math.Max(1, input.WorkingDays));
        return Task.FromResult(new ProbeDeadline(deadline.DueAt, deadline.Deadline, deadline.Provisional));
    }
}

/// <summary>
/// The probe's effect in table <c>ProbeEffects</c>, partition = instance id. Every run of the activity logs an
/// <c>attempt-…</c> row; the effect itself is the <c>effect</c> row, inserted once, so a run redelivered after a crash
/// finds it and changes nothing. Each attempt row records whether it applied the effect: two attempts marked
/// <c>applied</c> would be an effect applied twice.
/// </summary>
public sealed class ProbeEffectActivity(ITableStore store, TimeProvider time) : TaskActivity<ProbeEffectInput, string>
{
    public const string Name = "probe-effect";

    [Function(Name)]
    public static Task<string> Run([ActivityTrigger] ProbeEffectInput input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<ProbeEffectActivity, ProbeEffectInput, string>(input, context);
    public const string Table = "ProbeEffects";
    public const string Applied = "applied";
    public const string AlreadyApplied = "already-applied";

    public override async Task<string> RunAsync(TaskActivityContext context, ProbeEffectInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await store.CreateTableIfNotExistsAsync(Table);
        var started = time.GetUtcNow();
        var attemptKey = $"attempt-{started:yyyyMMddHHmmssfffffff}-{Guid.NewGuid():N}";
        var etag = await store.InsertAsync(Table, new TableEntity(input.InstanceId, attemptKey, new Dictionary<string, object?>
        {
            ["startedAt"] = started,
            ["outcome"] = "running",
        }));

        if (input.DelayMs > 0)
        {
            await Task.Delay(input.DelayMs);
        }

        string outcome;
        try
        {
            await store.InsertAsync(Table, new TableEntity(input.InstanceId, "effect", new Dictionary<string, object?>
            {
                ["appliedAt"] = time.GetUtcNow(),
                ["attempt"] = attemptKey,
            }));
            outcome = Applied;
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.Conflict)
        {
            outcome = AlreadyApplied;
        }

        await store.MergeAsync(Table, new TableEntity(input.InstanceId, attemptKey, new Dictionary<string, object?> { ["outcome"] = outcome }), etag);
        return outcome;
    }
}

public sealed class ProbeEchoActivity : TaskActivity<string, string>
{
    public const string Name = "probe-echo";

    [Function(Name)]
    public static Task<string> Run([ActivityTrigger] string input, FunctionContext context) =>
        DurableTaskFunctions.RunActivity<ProbeEchoActivity, string, string>(input, context);

    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"echo:{input}");
}
