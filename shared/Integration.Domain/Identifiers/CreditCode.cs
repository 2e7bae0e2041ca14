namespace Integration.Domain.Identifiers;

/// <summary>
/// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters over
/// <c>0-9 A-H J-N P-R T U W-Y</c>; the last is a check character computed from the first 17.
/// </summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Null when valid, otherwise why not (for a field error).</summary>
    public static string? Problem(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "Required: an 18-character unified social credit code.";
        }

        if (code.Length != 18)
        {
            return $"'{code}' has {code.Length} characters; a unified social credit code has 18.";
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(code[i], StringComparison.Ordinal);
            if (value < 0)
            {
                return $"'{code}' has '{code[i]}' at position {i + 1}; allowed are 0-9 and A-Y except I, O, S, V, Z.";
            }

            sum += value * Weights[i];
        }

        var expected = Alphabet[(31 - (sum % 31)) % 31];
        return code[17] == expected ? null : $"'{code}' fails the GB 32100 check: its last character should be '{expected}'.";
    }

    public static bool IsValid(string? code) => Problem(code) is null;

    /// <summary>Appends the GB 32100 check character to the first 17 characters of a code.</summary>
    public static string Complete(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        if (first17.Length != 17)
        {
            throw new ArgumentException("A credit code without its check character has 17 characters.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (value < 0)
            {
                throw new ArgumentException($"'{first17[i]}' is not a credit code character.", nameof(first17));
            }

            sum += value * Weights[i];
        }

        return first17 + Alphabet[(31 - (sum % 31)) % 31];
    }
}
