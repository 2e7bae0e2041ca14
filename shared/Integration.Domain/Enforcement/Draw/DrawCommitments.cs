using System.Security.Cryptography;
using System.Text;

namespace Integration.Domain.Enforcement.Draw;

/// <summary>Commit-reveal: a participant publishes SHA-256 of its secret nonce first, so no one can choose a nonce after seeing the others.</summary>
public static class DrawCommitments
{
    /// <summary>Fewer characters than this and a nonce could be found from its commitment by trying candidates.</summary>
    public const int MinimumNonceLength = 32;

    /// <summary>Lowercase hex SHA-256 of the UTF-8 of the nonce.</summary>
    public static string Commit(string nonce)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nonce)));
    }

    /// <summary>Why a nonce is unacceptable, or null. Length counts Unicode code points, as the verification script does.</summary>
    public static string? NonceProblem(string? nonce)
    {
        if (string.IsNullOrEmpty(nonce))
        {
            return "The nonce is required.";
        }

        var length = nonce.EnumerateRunes().Count();
        return length < MinimumNonceLength
            ? $"The nonce has {length} characters; at least {MinimumNonceLength} are required."
            : null;
    }

    /// <summary>Why a commitment is malformed, or null: it must be 64 lowercase hex digits.</summary>
    public static string? CommitmentProblem(string? commitment) =>
        commitment is { Length: 64 } && commitment.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'))
            ? null
            : "The commitment must be 64 lowercase hexadecimal digits (SHA-256 of the nonce).";

    /// <summary>Why a reveal is refused, or null when the nonce is long enough and hashes to the commitment.</summary>
    public static string? RevealProblem(string commitment, string? nonce)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        var problem = NonceProblem(nonce);
        if (problem is not null)
        {
            return problem;
        }

        var actual = Commit(nonce!);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(commitment))
            ? null
            : "The nonce does not hash to the commitment.";
    }
}
