using System.Text.Json;
using Integration.Domain.Approvals;
using Integration.Domain.Enforcement.Plans;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Domain.Leads;
using Integration.Functions.Leads;
using Integration.Functions.Platform.Records;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Enforcement;

/// <summary>What turning a finding into a lead came to: the lead (created or found), or why not.</summary>
public sealed record FindingLeadOutcome(Record<LeadState>? Lead, bool Created, PlanRejection? Rejection);

/// <summary>
/// Turns a bid-rigging or fraud finding into a lead through <see cref="LeadService"/> (same validation, routing and
/// clocks as the trading centre's leads), then records the lead on the plan's task. The lead is written first and
/// its id is derived from the finding, so a request repeated after a failure between the two writes finds the lead
/// and completes the link: one finding, one lead.
/// </summary>
public sealed class FindingLeadRelay(PlanService plans, LeadService leads, IProjectSupervision supervision)
{
    public async Task<FindingLeadOutcome> CreateAsync(
        Record<PlanState> plan, string taskId, int finding, Principal caller, JsonElement body, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(caller);
        var state = plan.State;
        if (PlanMachine.CheckFindingLead(state, caller.Id, caller.Has(PrincipalRole.Coordinator), taskId, finding) is { } refused)
        {
            return new FindingLeadOutcome(null, false, refused);
        }

        var task = state.Task(taskId)!;
        var errors = new FieldErrors();
        var lead = FindingLeads.Compose(state.PlanId, task, finding, body, errors);
        if (!errors.IsEmpty)
        {
            leads.Read(lead, errors, fromFinding: true);
            return new FindingLeadOutcome(null, false, new PlanRejection(PlanRejectionKind.Invalid, "One or more fields are invalid.", errors.ToDictionary()));
        }

        var origin = new LeadOrigin(state.PlanId, taskId, finding);
        var leadId = FindingLeads.LeadId(state.PlanId, taskId, finding);
        var outcome = await leads.SubmitAsync(caller, lead, supervision, origin, cancellationToken);
        if (outcome.Record is null)
        {
            var rejection = outcome.Rejection!;
            return new FindingLeadOutcome(null, false, new PlanRejection(PlanRejectionKind.Invalid, rejection.Detail, rejection.Errors));
        }

        if (outcome.Record.State.Origin != origin)
        {
            return new FindingLeadOutcome(null, false, new PlanRejection(PlanRejectionKind.Conflict,
                $"Lead id {leadId} is taken by a lead that did not come from finding {finding} of task {taskId}; nothing was created.", Stage: PlanNames.Of(task.Status)));
        }

        // Linked whether the lead is new, repeated or refused as different: the lead of this finding exists either way.
        await plans.ActAsync(state.PlanId, caller.Id, client, (s, now, _) => PlanMachine.LinkLead(s, caller.Id, taskId, finding, leadId, now), cancellationToken);
        if (outcome.Rejection is { } different)
        {
            return new FindingLeadOutcome(outcome.Record, false, new PlanRejection(PlanRejectionKind.Conflict,
                $"Finding {finding} of task {taskId} is lead {leadId} already, submitted by {outcome.Record.State.SubmittedBy} with other content. {different.Detail}", Stage: different.State));
        }

        return new FindingLeadOutcome(outcome.Record, outcome.Created, null);
    }
}
