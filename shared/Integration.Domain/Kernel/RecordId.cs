using System.Text.RegularExpressions;

namespace Integration.Domain.Kernel;

/// <summary>
/// The one rule for the ids of records (approvals, leads, and the kinds in audit paths): they become
/// table keys, so only characters every table store accepts in a key, at a length any key can hold.
/// Every route checks an id with this rule before it touches the store.
/// </summary>
public static partial class RecordId
{
    public const int MaxLength = 64;

    public const string Rule = "may hold only letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters";

    public static bool IsValid(string? id) => id is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(id);

    // \z rather than $, which would let a trailing line feed through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
