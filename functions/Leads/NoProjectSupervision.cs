using Integration.Domain.Approvals;

namespace Integration.Functions.Leads;

/// <summary>
/// Stands in until a feature that records claims provides <see cref="IProjectSupervision"/>: with no
/// claims known, leads are routed by the responsibility list. Registered only when nothing else is.
/// </summary>
internal sealed class NoProjectSupervision : IProjectSupervision
{
    public Task<IReadOnlyList<string>> ClaimingDepartmentsAsync(string projectCode, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
