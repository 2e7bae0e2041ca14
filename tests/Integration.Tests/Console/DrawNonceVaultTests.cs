using Integration.Domain.Enforcement.Draw;
using Integration.Functions.Console;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Integration.Tests.Console;

/// <summary>
/// The nonces the console keeps for departments, on the embedded table store's file: one per department, plan and
/// attempt, the same on every call and after the store is opened again (a restart), never another department's.
/// </summary>
[Trait("lane", "integration")]
public sealed class DrawNonceVaultTests(TemporaryDatabaseFile file) : IClassFixture<TemporaryDatabaseFile>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DrawNonceVault Open() => new(new SqliteTableStore(new SqliteDatabase(file.FilePath), TimeProvider.System));

    [Fact]
    public async Task A_nonce_is_random_long_enough_kept_per_department_plan_and_attempt_and_survives_a_restart()
    {
        var vault = Open();
        var nonce = await vault.GetOrCreateAsync("housing", "WH-PLAN-1", 1, Ct);
        Assert.Null(DrawCommitments.NonceProblem(nonce));
        Assert.True(nonce.Length >= 43, nonce);
        Assert.Equal(nonce, await vault.GetOrCreateAsync("housing", "WH-PLAN-1", 1, Ct));

        Assert.Null(await vault.FindAsync("market", "WH-PLAN-1", 1, Ct));
        var others = new[]
        {
            await vault.GetOrCreateAsync("market", "WH-PLAN-1", 1, Ct),
            await vault.GetOrCreateAsync("housing", "WH-PLAN-1", 2, Ct),
            await vault.GetOrCreateAsync("housing", "WH-PLAN-2", 1, Ct),
        };
        Assert.Equal(4, others.Append(nonce).Distinct(StringComparer.Ordinal).Count());

        SqliteConnection.ClearAllPools();
        var reopened = Open();
        Assert.Equal(nonce, await reopened.FindAsync("housing", "WH-PLAN-1", 1, Ct));
        Assert.Equal(nonce, await reopened.GetOrCreateAsync("housing", "WH-PLAN-1", 1, Ct));
    }
}
