using System.Buffers.Text;
using System.Text.Json;
using Integration.Domain.Storage;

namespace Integration.Functions.Infrastructure;

/// <summary>
/// Packs the few strings a store needs to resume a query into one URL-safe token, so callers
/// can hand it through query strings without knowing (or depending on) what is inside.
/// </summary>
internal static class ContinuationTokens
{
    public static string Encode(params string?[] parts) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(parts));

    /// <summary>Returns exactly <paramref name="count"/> parts, or throws <see cref="TableErrorKind.InvalidInput"/>.</summary>
    public static string?[] Decode(string token, int count)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string?[]>(Base64Url.DecodeFromChars(token));
            if (parts is not null && parts.Length == count)
            {
                return parts;
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw Invalid(ex);
        }

        throw Invalid(null);
    }

    private static TableStoreException Invalid(Exception? inner) =>
        new(TableErrorKind.InvalidInput, "The continuation token is not one this store issued.", null, inner);
}
