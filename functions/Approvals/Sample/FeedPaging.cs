using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Integration.Functions.Approvals.Sample;

/// <summary>One item of a feed as a feed server keeps it.</summary>
public sealed record FeedEntry(DateTimeOffset UpdatedAt, string ApprovalId, JsonObject Item);

/// <summary>
/// The paging of the approval system's feed contract: items with updatedAt ≥ updatedSince, ordered by
/// (updatedAt, approvalId); the page token is the key of the last item served, so paging is stable
/// while items are added. Used by the Development sample feed and by test feeds.
/// </summary>
public static class FeedPaging
{
    public static (IReadOnlyList<JsonObject> Items, string? NextPageToken) Page(IEnumerable<FeedEntry> feed, DateTimeOffset updatedSince, string? pageToken, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        (long Ticks, string ApprovalId)? after = pageToken is null ? null : Decode(pageToken);
        var ordered = feed
            .Where(e => e.UpdatedAt >= updatedSince)
            .Where(e => after is null || Compare(e, after.Value) > 0)
            .OrderBy(e => e.UpdatedAt.UtcTicks)
            .ThenBy(e => e.ApprovalId, StringComparer.Ordinal)
            .Take(pageSize + 1)
            .ToArray();
        var page = ordered.Take(pageSize).ToArray();
        var next = ordered.Length > pageSize ? Encode(page[^1]) : null;
        return (page.Select(e => e.Item).ToArray(), next);
    }

    public static string Encode(FeedEntry last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.UpdatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{last.ApprovalId}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Throws <see cref="FormatException"/> for a token this paging did not issue.</summary>
    public static (long Ticks, string ApprovalId) Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !long.TryParse(text[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            throw new FormatException("Not a page token of this feed.");
        }

        return (ticks, text[(bar + 1)..]);
    }

    private static int Compare(FeedEntry entry, (long Ticks, string ApprovalId) key)
    {
        var byTime = entry.UpdatedAt.UtcTicks.CompareTo(key.Ticks);
        return byTime != 0 ? byTime : string.CompareOrdinal(entry.ApprovalId, key.ApprovalId);
    }
}
