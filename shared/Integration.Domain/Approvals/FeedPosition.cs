using System.Globalization;
using System.Text.Json;
using Integration.Domain.Kernel;

namespace Integration.Domain.Approvals;

/// <summary>
/// A place in the approval system's feed, which is ordered by (updatedAt, approvalId). The pull
/// connector keeps the position of the last item it handled; because the feed serves items with
/// updatedAt ≥ updatedSince, the last instant comes back and every item at or before the position
/// is skipped. The version breaks the (unlikely) tie of one approval changing twice in one instant.
/// </summary>
public sealed record FeedPosition(DateTimeOffset UpdatedAt, string ApprovalId, long Version) : IComparable<FeedPosition>
{
    public int CompareTo(FeedPosition? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byTime = UpdatedAt.UtcTicks.CompareTo(other.UpdatedAt.UtcTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byId = string.CompareOrdinal(ApprovalId, other.ApprovalId);
        return byId != 0 ? byId : Version.CompareTo(other.Version);
    }

    public static bool operator <(FeedPosition left, FeedPosition right) => Compare(left, right) < 0;

    public static bool operator >(FeedPosition left, FeedPosition right) => Compare(left, right) > 0;

    public static bool operator <=(FeedPosition left, FeedPosition right) => Compare(left, right) <= 0;

    public static bool operator >=(FeedPosition left, FeedPosition right) => Compare(left, right) >= 0;

    /// <summary>The position of a raw feed item, even an otherwise invalid one; null when its order fields cannot be read.</summary>
    public static FeedPosition? Of(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("updatedAt", out var updated) || !JsonStrings.TryGet(updated, out var updatedText)
            || !HasOffset(updatedText)
            || !DateTimeOffset.TryParse(updatedText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var updatedAt)
            || !ChinaTime.IsSupported(updatedAt)
            || !item.TryGetProperty("approvalId", out var id) || !JsonStrings.TryGet(id, out var idText) || string.IsNullOrWhiteSpace(idText))
        {
            return null;
        }

        var version = item.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
        return new FeedPosition(updatedAt, idText.Trim(), version);
    }

    /// <summary>The later of two positions (either may be null).</summary>
    public static FeedPosition? Max(FeedPosition? a, FeedPosition? b) => a is null ? b : b is null ? a : a >= b ? a : b;

    private static bool HasOffset(string text)
    {
        var t = text.IndexOf('T', StringComparison.Ordinal);
        return t >= 0 && (text.EndsWith('Z') || text.EndsWith('z') || text[t..].Contains('+', StringComparison.Ordinal) || text[t..].Contains('-', StringComparison.Ordinal));
    }

    private static int Compare(FeedPosition left, FeedPosition right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.CompareTo(right);
    }
}
