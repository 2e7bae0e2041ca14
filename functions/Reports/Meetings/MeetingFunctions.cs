using System.Text.Json;
using Integration.Domain.Calendar;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Reports;
using Integration.Domain.Reports.Meetings;
using Integration.Functions.Identity;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Reports.Meetings;

/// <summary>
/// The coordination meeting (协调会商) after a period's report, and extra meetings a department asks for: agenda items,
/// scheduling, minutes, and the action items each on its own working-day clock until their owner closes them.
/// </summary>
public sealed class MeetingFunctions(MeetingService meetings)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private delegate MeetingDecision Command(MeetingState state, Caller caller, JsonElement body, IReadOnlyList<AgendaItem> acknowledged, DateTimeOffset now, WorkingDayCalendar calendar);

    [Function("reports-coordination-agenda")]
    [JsonBody(MeetingBodies.Agenda)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Meetings")]
    [EndpointSummary("A department submits agenda items for the meeting on a period's report")]
    public Task<Results<Ok<MeetingView>, ProblemHttpResult>> SubmitAgenda(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/coordination/{period}/agenda")] HttpRequest request, string period, CancellationToken cancellationToken) =>
        PeriodAsync(request, period, (s, c, body, _, now, _) => MeetingMachine.SubmitAgenda(s, c.Id, body, now, meetings.Rules), cancellationToken);

    [Function("reports-coordination-meeting-schedule")]
    [JsonBody(MeetingBodies.Schedule)]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("ndrc schedules (or moves) the meeting on a period's report; every member department is told")]
    public Task<Results<Ok<MeetingView>, ProblemHttpResult>> SchedulePeriod(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/coordination/{period}/meeting")] HttpRequest request, string period, CancellationToken cancellationToken) =>
        PeriodAsync(request, period, Schedule, cancellationToken);

    [Function("reports-coordination-meeting-minutes")]
    [JsonBody(MeetingBodies.Minutes)]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("ndrc records the minutes and action items of the meeting on a period's report (once)")]
    // Up to MeetingInputs.MaxActionItems action items, each up to 1,000 characters.
    [BodyLimit(1024 * 1024)]
    public Task<Results<Ok<MeetingView>, ProblemHttpResult>> PeriodMinutes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/coordination/{period}/meeting/minutes")] HttpRequest request, string period, CancellationToken cancellationToken) =>
        PeriodAsync(request, period, Minutes, cancellationToken);

    [Function("reports-coordination-meeting-get")]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("The meeting on a period's report: agenda, time, minutes and action items")]
    public async Task<Results<Ok<MeetingView>, ProblemHttpResult>> GetPeriod(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/coordination/{period}/meeting")] HttpRequest request, string period, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (Refused(caller) is { } refused)
        {
            return refused;
        }

        if (Period(period) is { } invalid)
        {
            return invalid;
        }

        var acknowledged = await meetings.AcknowledgedAgendaAsync(period, cancellationToken);
        if (await meetings.GetAsync(period, cancellationToken) is { } record)
        {
            return await ViewAsync(record.State, acknowledged, caller, cancellationToken);
        }

        // Before anyone acted on it, the meeting of a reported period is there to gather its agenda.
        return await meetings.ReportExistsAsync(period, cancellationToken)
            ? TypedResults.Ok(MeetingViews.For(MeetingMachine.ForPeriod(period), acknowledged, meetings.Calendar, meetings.Now))
            : NoReport(period);
    }

    [Function("meetings-request")]
    [JsonBody(MeetingBodies.Request)]
    [Authorize(Policy = RoleNames.Department)]
    [Tags("Meetings")]
    [EndpointSummary("A supervisory department asks ndrc for an extra coordination meeting (idempotent by the Idempotency-Key header)")]
    public async Task<Results<Created<MeetingView>, Ok<MeetingView>, ProblemHttpResult>> Request(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "meetings")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        var errors = new FieldErrors();
        var key = IdempotencyKey(request, errors);
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (!errors.IsEmpty)
        {
            // A bad key is listed with every error of the body, as the request would be judged with a good one.
            MeetingInputs.Request(body, errors, caller.Id, meetings.Now);
            return Problems.Validation(errors);
        }

        var outcome = await meetings.RequestAsync(caller.Id, body, key, cancellationToken);
        if (outcome.Rejection is { } rejection)
        {
            return Problem(rejection, outcome.Record?.State);
        }

        var view = MeetingViews.For(outcome.Record!.State, [], meetings.Calendar, meetings.Now);
        return outcome.Changed ? TypedResults.Created(view.Link, view) : TypedResults.Ok(view);
    }

    [Function("meetings-schedule")]
    [JsonBody(MeetingBodies.Schedule)]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("ndrc schedules (or moves) an extra meeting; every member department is told")]
    public Task<Results<Ok<MeetingView>, ProblemHttpResult>> ScheduleExtra(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "meetings/{meetingId}/schedule")] HttpRequest request, string meetingId, CancellationToken cancellationToken) =>
        MeetingAsync(request, meetingId, Schedule, cancellationToken);

    [Function("meetings-decline")]
    [JsonBody(MeetingBodies.Decline)]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("ndrc declines an extra meeting with its reason; the requester is told")]
    public Task<Results<Ok<MeetingView>, ProblemHttpResult>> Decline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "meetings/{meetingId}/decline")] HttpRequest request, string meetingId, CancellationToken cancellationToken) =>
        MeetingAsync(request, meetingId, (s, c, body, _, now, _) => MeetingMachine.Decline(s, c.Id, c.Principal.Has(PrincipalRole.Coordinator), body, now, meetings.Rules), cancellationToken);

    [Function("meetings-minutes")]
    [JsonBody(MeetingBodies.Minutes)]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("ndrc records the minutes and action items of a meeting (once)")]
    // Up to MeetingInputs.MaxActionItems action items, each up to 1,000 characters.
    [BodyLimit(1024 * 1024)]
    public Task<Results<Ok<MeetingView>, ProblemHttpResult>> ExtraMinutes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "meetings/{meetingId}/minutes")] HttpRequest request, string meetingId, CancellationToken cancellationToken) =>
        MeetingAsync(request, meetingId, Minutes, cancellationToken);

    [Function("meetings-get")]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("A coordination meeting: agenda, time, minutes and action items")]
    public async Task<Results<Ok<MeetingView>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "meetings/{meetingId}")] HttpRequest request, string meetingId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (Refused(caller) is { } refused)
        {
            return refused;
        }

        if (!RecordId.IsValid(meetingId) || await meetings.GetAsync(meetingId, cancellationToken) is not { } record)
        {
            return Problems.NoSuch("meeting", meetingId);
        }

        var acknowledged = record.State.Period is { } period ? await meetings.AcknowledgedAgendaAsync(period, cancellationToken) : [];
        return await ViewAsync(record.State, acknowledged, caller, cancellationToken);
    }

    /// <summary>
    /// The meeting as the caller may read it (<see cref="MeetingReaders"/>): a department its own action items, an extra
    /// meeting only its requester, its owners and, once scheduled, the departments invited; the history only those who see everything.
    /// </summary>
    private async Task<Results<Ok<MeetingView>, ProblemHttpResult>> ViewAsync(
        MeetingState state, IReadOnlyList<AgendaItem> acknowledged, Caller caller, CancellationToken cancellationToken)
    {
        var seesEverything = caller.Principal.SeesEverything;
        if (MeetingReaders.Scope(state, caller.Id, seesEverything, caller.Principal.Has(PrincipalRole.Department)) is not { } scoped)
        {
            return Problems.Forbidden($"Meeting {state.MeetingId} was asked for by another department; '{caller.Id}' neither asked for it nor owns one of its action items.");
        }

        var history = MeetingReaders.ReadsHistory(seesEverything) ? await meetings.HistoryAsync(state.MeetingId, cancellationToken) : null;
        return TypedResults.Ok(MeetingViews.For(scoped, acknowledged, meetings.Calendar, meetings.Now, history));
    }

    [Function("meetings-actions-list")]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("Action items of the meetings: a department its own, ndrc and admin all (status=open|closed|overdue, owner=, paged)")]
    public async Task<Results<Ok<ActionItemPage>, ProblemHttpResult>> ListActions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "meetings/actions")] HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (Refused(caller) is { } refused)
        {
            return refused;
        }

        string? owner = request.Query["owner"], status = request.Query["status"], pageSize = request.Query["pageSize"], pageToken = request.Query["pageToken"];
        var errors = new FieldErrors();
        var seesEverything = caller.Principal.SeesEverything;
        if (owner is not null && !meetings.Rules.IsDepartment(owner))
        {
            errors.Add("owner", $"{TextRules.Echo(owner)} is not a member department.");
        }
        else if (owner is not null && owner != caller.Id && !seesEverything)
        {
            return Problems.Forbidden($"'{caller.Id}' may list only its own action items, not those of {TextRules.Echo(owner)}.");
        }

        if (status is not null && !MeetingNames.ActionStatuses.Contains(status))
        {
            errors.Add("status", $"{TextRules.Echo(status)} is not one of: {string.Join(", ", MeetingNames.ActionStatuses)}.");
        }

        var size = PageSize.Read(pageSize, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        if (await meetings.ListActionsAsync(caller.Id, seesEverything, owner, status, size, pageToken, cancellationToken) is not { } page)
        {
            errors.Add("pageToken", "Not a page token this listing issued; start again without it.");
            return Problems.Validation(errors);
        }

        var now = meetings.Now;
        var calendar = meetings.Calendar;
        return TypedResults.Ok(new ActionItemPage(page.Items.Select(i => MeetingViews.For(i, calendar, now)).ToArray(), page.NextPageToken));
    }

    [Function("meetings-action-close")]
    [JsonBody(MeetingBodies.Close)]
    [Authorize]
    [Tags("Meetings")]
    [EndpointSummary("The owner department closes an action item with its outcome")]
    public async Task<Results<Ok<ActionItemView>, ProblemHttpResult>> CloseAction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "meetings/actions/{actionId}/close")] HttpRequest request, string actionId, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (MeetingNames.MeetingOf(actionId) is not { } meetingId || await meetings.GetAsync(meetingId, cancellationToken) is not { } current
            || current.State.ActionItem(actionId) is not { } item)
        {
            return Problems.NoSuch("action item", actionId);
        }

        if (item.Owner != caller.Id)
        {
            return Problems.Forbidden($"Action item {actionId} is its owner department's to close; '{caller.Id}' may not.");
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var outcome = await meetings.ActAsync(meetingId, caller.Id, (s, now, calendar) => MeetingMachine.CloseAction(s, actionId, caller.Id, body, now, calendar, meetings.Rules), null, cancellationToken);
        if (outcome.Rejection is { } rejection)
        {
            return Problem(rejection, outcome.Record?.State);
        }

        return TypedResults.Ok(MeetingViews.For(outcome.Record!.State.ActionItem(actionId)!, meetings.Calendar, meetings.Now));
    }

    private MeetingDecision Schedule(MeetingState s, Caller c, JsonElement body, IReadOnlyList<AgendaItem> acknowledged, DateTimeOffset now, WorkingDayCalendar calendar) =>
        MeetingMachine.Schedule(s, c.Id, c.Principal.Has(PrincipalRole.Coordinator), body, acknowledged, now, meetings.Rules);

    private MeetingDecision Minutes(MeetingState s, Caller c, JsonElement body, IReadOnlyList<AgendaItem> acknowledged, DateTimeOffset now, WorkingDayCalendar calendar) =>
        MeetingMachine.RecordMinutes(s, c.Id, c.Principal.Has(PrincipalRole.Coordinator), body, now, calendar, meetings.Rules);

    /// <summary>A command on a period's meeting: the period must have a report; its meeting record starts with the first command.</summary>
    private async Task<Results<Ok<MeetingView>, ProblemHttpResult>> PeriodAsync(HttpRequest request, string period, Command command, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (Refused(caller) is { } refused)
        {
            return refused;
        }

        if (Period(period) is { } invalidPeriod)
        {
            return invalidPeriod;
        }

        if (!await meetings.ReportExistsAsync(period, cancellationToken))
        {
            return NoReport(period);
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var acknowledged = await meetings.AcknowledgedAgendaAsync(period, cancellationToken);
        var outcome = await meetings.ActAsync(
            period, caller.Id, (s, now, calendar) => command(s, caller, body, acknowledged, now, calendar), MeetingMachine.ForPeriod(period), cancellationToken);
        return Answer(outcome, acknowledged, caller);
    }

    private async Task<Results<Ok<MeetingView>, ProblemHttpResult>> MeetingAsync(HttpRequest request, string meetingId, Command command, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(request);
        if (Refused(caller) is { } refused)
        {
            return refused;
        }

        if (!RecordId.IsValid(meetingId) || await meetings.GetAsync(meetingId, cancellationToken) is not { } current)
        {
            return Problems.NoSuch("meeting", meetingId);
        }

        // Whoever may not read the meeting is refused before its body is read.
        if (MeetingReaders.Scope(current.State, caller.Id, caller.Principal.SeesEverything, caller.Principal.Has(PrincipalRole.Department)) is null)
        {
            return Problems.Forbidden($"Meeting {meetingId} was asked for by another department; '{caller.Id}' takes no part in it.");
        }

        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var acknowledged = current.State.Period is { } period ? await meetings.AcknowledgedAgendaAsync(period, cancellationToken) : [];
        var outcome = await meetings.ActAsync(meetingId, caller.Id, (s, now, calendar) => command(s, caller, body, acknowledged, now, calendar), null, cancellationToken);
        return Answer(outcome, acknowledged, caller);
    }

    private Results<Ok<MeetingView>, ProblemHttpResult> Answer(MeetingOutcome outcome, IReadOnlyList<AgendaItem> acknowledged, Caller caller) =>
        outcome.Rejection is { } rejection
            ? Problem(rejection, outcome.Record?.State)
            : outcome.Record is { } record
                && MeetingReaders.Scope(record.State, caller.Id, caller.Principal.SeesEverything, caller.Principal.Has(PrincipalRole.Department)) is { } scoped
                ? TypedResults.Ok(MeetingViews.For(scoped, acknowledged, meetings.Calendar, meetings.Now))
                : Problems.NotFound("There is no such meeting.");

    /// <summary>Meetings concern the member departments and the coordinator; systems take no part.</summary>
    private static ProblemHttpResult? Refused(Caller caller) =>
        caller.Principal.Has(PrincipalRole.Department) || caller.Principal.SeesEverything
            ? null
            : Problems.Forbidden($"Coordination meetings are for the member departments and the coordinator; '{caller.Id}' takes no part.");

    private static ProblemHttpResult? Period(string period)
    {
        var (_, problem) = ReportPeriod.Parse(period);
        if (problem is null)
        {
            return null;
        }

        var errors = new FieldErrors();
        errors.Add("period", problem);
        return Problems.Validation(errors);
    }

    /// <summary>The optional <c>Idempotency-Key</c> header: one value of 1 to 100 visible ASCII characters.</summary>
    private static string? IdempotencyKey(HttpRequest request, FieldErrors errors)
    {
        if (!request.Headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            return null;
        }

        if (values.Count == 1 && values[0] is { Length: > 0 and <= 100 } key && key.All(c => c is >= '!' and <= '~'))
        {
            return key;
        }

        errors.Add(IdempotencyKeyHeader, "An Idempotency-Key is one value of 1 to 100 visible ASCII characters.");
        return null;
    }

    private static ProblemHttpResult NoReport(string period) =>
        Problems.NotFound($"There is no coordination report for {period}; its meeting follows the report.");

    private static ProblemHttpResult Problem(MeetingRejection rejection, MeetingState? state) => rejection.Kind switch
    {
        MeetingRejectionKind.Forbidden => Problems.Forbidden(rejection.Detail),
        MeetingRejectionKind.Conflict => Problems.Conflict(rejection.Detail, new Dictionary<string, object?> { ["meetingId"] = state?.MeetingId, ["state"] = rejection.State }),
        MeetingRejectionKind.NotFound => Problems.NotFound(rejection.Detail),
        _ => Problems.Validation(rejection.Errors ?? new Dictionary<string, string[]>()),
    };
}
