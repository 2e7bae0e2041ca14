using System.Globalization;
using System.Security.Cryptography;
using Integration.Domain.Storage;

namespace Integration.Functions.Console;

/// <summary>
/// The nonces the console commits to for a department, kept server-side from commit to reveal: one row per department
/// (partition), plan and draw attempt (row), in the table store, so a restart or another instance reveals the same nonce
/// the commitment was made to. A nonce is never rendered, logged or shown to another principal; it becomes public
/// only in the draw record, once every participant has revealed.
/// </summary>
public sealed class DrawNonceVault(ITableStore store)
{
    public const string Table = "ConsoleDrawNonces";
    private const string Property = "Nonce";

    /// <summary>The department's nonce for this attempt: the stored one, or a new one (32 random bytes, 43 characters) stored first.</summary>
    public async Task<string> GetOrCreateAsync(string department, string planId, int attempt, CancellationToken cancellationToken)
    {
        if (await FindAsync(department, planId, attempt, cancellationToken) is { } known)
        {
            return known;
        }

        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        try
        {
            await store.InsertAsync(Table, new TableEntity(department, Row(planId, attempt), new Dictionary<string, object?> { [Property] = nonce }), cancellationToken);
            return nonce;
        }
        catch (TableStoreException e) when (e.Kind == TableErrorKind.Conflict)
        {
            // Two clicks at once: the first one stored wins, so the commitment and the reveal agree.
            return await FindAsync(department, planId, attempt, cancellationToken) ?? throw new InvalidOperationException("The stored nonce vanished after a conflict.");
        }
    }

    public async Task<string?> FindAsync(string department, string planId, int attempt, CancellationToken cancellationToken)
    {
        await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
        return (await store.GetAsync(Table, department, Row(planId, attempt), cancellationToken))?.GetString(Property);
    }

    private static string Row(string planId, int attempt) => planId + "." + attempt.ToString(CultureInfo.InvariantCulture);
}
