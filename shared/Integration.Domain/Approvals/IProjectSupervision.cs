namespace Integration.Domain.Approvals;

/// <summary>
/// Who supervises a project: the departments that claimed an approval of it. Leads about a project
/// go first to these departments ("谁监管"), before the responsibility list is consulted.
/// </summary>
public interface IProjectSupervision
{
    /// <summary>Departments that have claimed an approval with this project code; empty when none has.</summary>
    Task<IReadOnlyList<string>> ClaimingDepartmentsAsync(string projectCode, CancellationToken cancellationToken = default);
}
