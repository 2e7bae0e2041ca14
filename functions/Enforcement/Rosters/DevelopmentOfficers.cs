using Integration.Domain.Identity;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Enforcement.Rosters;

public sealed class RosterOptions
{
    public const string Section = "Enforcement";

    /// <summary>Development: give every department a few sample officers when it has never stored a list.</summary>
    public bool SeedDevelopmentOfficers { get; set; }
}

/// <summary>
/// Sample officers for every department in Development, as the sample approval feed gives sample approvals: three per
/// department (ids <c>{department}-001</c>…), the third inactive, stored only where a department never stored a list.
/// </summary>
public sealed class DevelopmentOfficers(
    IHostEnvironment environment, IHostApplicationLifetime lifetime, IOptions<RosterOptions> options, PrincipalRegistry registry,
    EnforcementRosters rosters, ILogger<DevelopmentOfficers> logger) : IHostedService
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐"];
    private static readonly string[] GivenNames = ["建国", "海燕", "志强", "晓明", "丽华", "国栋", "文静", "振华", "秀英", "立新"];

    /// <summary>The sample list of one department: deterministic, so a restart proposes the same officers.</summary>
    public static IReadOnlyList<Officer> For(string department, int departmentIndex) =>
        Enumerable.Range(1, 3).Select(n => new Officer(
            $"{department}-{n:D3}",
            Surnames[(departmentIndex + (n * 7)) % Surnames.Length] + GivenNames[((departmentIndex * 3) + n) % GivenNames.Length],
            $"鲁执{37100000 + (departmentIndex * 100) + n}",
            Active: n != 3,
            Recuse: [])).ToArray();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment.IsDevelopment() && options.Value.SeedDevelopmentOfficers)
        {
            lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => SeedAsync(lifetime.ApplicationStopping)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var departments = registry.All.Where(p => p.Has(PrincipalRole.Department)).Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();
            var seeded = 0;
            for (var i = 0; i < departments.Length; i++)
            {
                seeded += await rosters.SeedOfficersAsync(departments[i], For(departments[i], i), cancellationToken) ? 1 : 0;
            }

            if (seeded > 0)
            {
                logger.LogInformation("Seeded sample officers for {Departments} departments (Development)", seeded);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Seeding the sample officers failed");
        }
    }
}
