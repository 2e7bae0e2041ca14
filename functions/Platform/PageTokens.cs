using System.Security.Cryptography;
using System.Text;
using Integration.Domain.Storage;

namespace Integration.Functions.Platform;

/// <summary>
/// Opaque, tamper-evident page tokens: the position is signed with HMAC-SHA256 under a random key
/// kept in the table store (so every instance and every restart accepts the tokens of the others).
/// A token altered, forged or issued for another listing is refused rather than followed.
/// </summary>
public sealed class PageTokens(ITableStore store)
{
    private const string Table = "PlatformSettings";
    private const string Partition = "keys";
    private const string Row = "page-tokens";

    private byte[]? key;

    /// <param name="listing">What the token is for (listing and filters), so it cannot be replayed on another.</param>
    public async Task<string> IssueAsync(string listing, string position, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(position);
        var mac = HMACSHA256.HashData(await KeyAsync(cancellationToken), Signed(listing, payload));
        return Base64Url(payload) + "." + Base64Url(mac);
    }

    /// <summary>The position, or null when the token is not one this listing issued.</summary>
    public async Task<string?> ReadAsync(string listing, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 4096 || !TryDecode(token[..dot], out var payload) || !TryDecode(token[(dot + 1)..], out var mac))
        {
            return null;
        }

        var expected = HMACSHA256.HashData(await KeyAsync(cancellationToken), Signed(listing, payload));
        return CryptographicOperations.FixedTimeEquals(expected, mac) ? Encoding.UTF8.GetString(payload) : null;
    }

    private static byte[] Signed(string listing, byte[] payload) => [.. Encoding.UTF8.GetBytes(listing), 0, .. payload];

    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref key) is { } known)
        {
            return known;
        }

        await store.CreateTableIfNotExistsAsync(Table, cancellationToken);
        var stored = await store.GetAsync(Table, Partition, Row, cancellationToken);
        if (stored is null)
        {
            try
            {
                var fresh = new TableEntity(Partition, Row, new Dictionary<string, object?> { ["Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
                await store.InsertAsync(Table, fresh, cancellationToken);
            }
            catch (TableStoreException e) when (e.Kind == TableErrorKind.Conflict)
            {
                // Another instance created it first: use theirs.
            }

            stored = await store.GetAsync(Table, Partition, Row, cancellationToken);
        }

        var value = Convert.FromBase64String(stored?.GetString("Key") ?? throw new InvalidOperationException("The page-token key could not be stored."));
        Volatile.Write(ref key, value);
        return value;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        bytes = new byte[(padded.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
