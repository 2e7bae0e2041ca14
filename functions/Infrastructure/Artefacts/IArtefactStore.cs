using System.Security.Cryptography;

namespace Integration.Functions.Infrastructure.Artefacts;

/// <summary>
/// Immutable documents stored once under the SHA-256 of their bytes (content-addressed): writing the same bytes again
/// changes nothing, so a step that stores them can be repeated after a crash; reading re-checks the hash, so a document
/// changed where it is stored is never served as the original.
/// </summary>
public interface IArtefactStore
{
    /// <summary>Stores <paramref name="content"/> unless it is already there; returns its SHA-256 (lower-case hex).</summary>
    Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The bytes stored under <paramref name="sha256"/>, or null; throws <see cref="ArtefactCorruptException"/> when they no longer hash to it.</summary>
    Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken);
}

/// <summary>
/// A stored artefact whose bytes no longer match its SHA-256: changed or damaged where it is stored. The feature that read
/// it names what it is (<see cref="Document"/>, e.g. <c>coordination report 2026Q1 v2 (html)</c>) with <see cref="In"/>, so
/// the problem answered and the error logged say which document to restore.
/// </summary>
public sealed class ArtefactCorruptException : Exception
{
    public ArtefactCorruptException(string sha256, string actual)
        : this(sha256, actual, null, new Dictionary<string, object?>(), null)
    {
    }

    private ArtefactCorruptException(string sha256, string actual, string? document, IReadOnlyDictionary<string, object?> context, Exception? inner)
        : base($"The artefact stored as {sha256}{(document is null ? "" : $" ({document})")} hashes to {actual}: it was changed or damaged in storage and is not served.", inner)
    {
        Sha256 = sha256;
        Actual = actual;
        Document = document;
        Context = context;
    }

    public string Sha256 { get; }

    public string Actual { get; }

    /// <summary>What the artefact is, in words; null until the reader names it.</summary>
    public string? Document { get; }

    /// <summary>The reader's identifying fields (e.g. <c>period</c>, <c>version</c>), answered in the problem.</summary>
    public IReadOnlyDictionary<string, object?> Context { get; }

    /// <summary>The same failure, named by the reader that knows what the artefact is.</summary>
    public ArtefactCorruptException In(string document, IReadOnlyDictionary<string, object?> context) =>
        new(Sha256, Actual, document, context, this);
}

public static class Artefacts
{
    public static string Sha256(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Lower-case hex of 64 digits: the only names an artefact store accepts, so no caller can reach outside it.</summary>
    public static bool IsSha256(string value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    internal static string RequireSha256(string sha256) =>
        IsSha256(sha256) ? sha256 : throw new ArgumentException("An artefact is named by the lower-case hex SHA-256 of its content.", nameof(sha256));

    internal static byte[] Checked(string sha256, byte[] content)
    {
        var actual = Sha256(content);
        return actual == sha256 ? content : throw new ArtefactCorruptException(sha256, actual);
    }
}
