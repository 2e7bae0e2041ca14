using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Integration.Domain.Enforcement.Draw;

/// <summary>
/// The random numbers of one label: block i is HMAC-SHA256(key = seed, message = UTF-8 "{label}:{i}"), and its first
/// 8 bytes, big-endian, are the i-th unsigned 64-bit number. One HMAC instance per label; no allocation per number.
/// </summary>
public sealed class DrawStream : IDisposable
{
    private readonly IncrementalHash hmac;
    private readonly byte[] message;
    private readonly int prefixLength;
    private readonly byte[] block = new byte[32];
    private long index;

    public DrawStream(ReadOnlySpan<byte> seed, string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, seed);
        var prefix = Encoding.UTF8.GetBytes(label + ":");
        prefixLength = prefix.Length;
        message = new byte[prefixLength + 20];
        prefix.CopyTo(message, 0);
    }

    /// <summary>How many blocks have been taken so far.</summary>
    public long Position => index;

    /// <summary>The next unsigned 64-bit number of the label.</summary>
    public ulong Next()
    {
        Utf8Formatter.TryFormat(index, message.AsSpan(prefixLength), out var digits);
        index++;
        hmac.AppendData(message, 0, prefixLength + digits);
        hmac.GetHashAndReset(block);
        return BinaryPrimitives.ReadUInt64BigEndian(block);
    }

    /// <summary>
    /// A uniform integer in [0, n): takes numbers u while u ≥ ⌊2^64 / n⌋·n, then returns u mod n.
    /// n = 1 still takes one number (and returns 0), so that every implementation consumes the stream alike.
    /// </summary>
    public ulong Uniform(ulong n)
    {
        ArgumentOutOfRangeException.ThrowIfZero(n);

        // 2^64 mod n, without 2^64: (2^64 − 1) mod n, plus one, wrapped at n.
        var remainder = ((ulong.MaxValue % n) + 1) % n;
        while (true)
        {
            var u = Next();
            if (remainder == 0 || u < 0UL - remainder)
            {
                return u % n;
            }
        }
    }

    public void Dispose() => hmac.Dispose();
}
