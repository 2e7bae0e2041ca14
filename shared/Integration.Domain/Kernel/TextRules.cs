using System.Globalization;
using System.Text;

namespace Integration.Domain.Kernel;

/// <summary>
/// The one rule for text a caller sends, applied to every string field: no characters that only
/// hide or reorder what a reader sees, and something visible in every value. Tabs and line breaks
/// are ordinary whitespace and stay allowed.
/// </summary>
public static class TextRules
{
    /// <summary>How many characters of a caller's value an error message repeats.</summary>
    public const int EchoLength = 64;

    /// <summary>A problem with <paramref name="text"/>'s characters, or null when it may be stored.</summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (IsRefused(c))
            {
                return $"Contains the control character U+{(int)c:X4}; only visible text, spaces, tabs and line breaks are accepted.";
            }
        }

        return text.Length > 0 && text.All(IsInvisible)
            ? "Contains no visible character (only spaces, control or zero-width characters)."
            : null;
    }

    /// <summary>
    /// C0 and C1 controls other than tab, line feed and carriage return, and the bidirectional
    /// embeddings, overrides and isolates, which make text display in an order other than it is stored.
    /// </summary>
    public static bool IsRefused(char c) =>
        (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069';

    /// <summary>Characters that render as nothing: controls, format characters (zero-width, direction marks), separators and blank fillers.</summary>
    public static bool IsInvisible(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.SpaceSeparator
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        || c is '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u2800';

    /// <summary>
    /// A caller's value quoted for an error message, cut to <see cref="EchoLength"/> characters, so a
    /// problem never grows with what was sent; controls are shown as code points.
    /// </summary>
    public static string Echo(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var shown = new StringBuilder(Math.Min(value.Length, EchoLength) + 2).Append('\'');
        var length = Math.Min(value.Length, EchoLength);
        if (length < value.Length && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        for (var i = 0; i < length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(value[i + 1]))
            {
                shown.Append(c).Append(value[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        shown.Append('\'');
        return length < value.Length
            ? shown.Append(CultureInfo.InvariantCulture, $"… ({value.Length:N0} characters)").ToString()
            : shown.ToString();
    }

    /// <summary><paramref name="text"/> cut to at most <paramref name="max"/> characters with an ellipsis, never between the halves of a surrogate pair.</summary>
    public static string Cut(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        var length = max - 1;
        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return string.Concat(text.AsSpan(0, length), "…");
    }
}
