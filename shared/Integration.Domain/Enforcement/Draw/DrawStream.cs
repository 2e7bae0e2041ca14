using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Integration.Domain.Enforcement.Draw;

/// <summary>
/// The random numbers of one label: block i is HMAC-SHA256(key = seed, message = UTF-8 "{label}:{i}"), and its first
/// 8 bytes, big-endian, are the i-th unsigned 64-bit number. The HMAC is built from two reused SHA-256 instances
/// (RFC 2104), so that moving to the next label (<see cref="Restart"/>) costs no new cryptographic context: a draw
/// of every target opens one label per target. No allocation per number.
/// </summary>
public sealed class DrawStream : IDisposable
{
    private const int BlockSize = 64;
    private readonly IncrementalHash inner = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash outer = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] innerPad = new byte[BlockSize];
    private readonly byte[] outerPad = new byte[BlockSize];
    private readonly byte[] innerHash = new byte[32];
    private readonly byte[] block = new byte[32];
    private byte[] message = new byte[64];
    private int prefixLength;
    private long index;

    public DrawStream(ReadOnlySpan<byte> seed, string label)
    {
        // Keys longer than the block are hashed first, as HMAC prescribes; the seed (32 bytes) never is.
        Span<byte> key = stackalloc byte[BlockSize];
        key.Clear();
        if (seed.Length > BlockSize)
        {
            SHA256.HashData(seed, key);
        }
        else
        {
            seed.CopyTo(key);
        }

        for (var i = 0; i < BlockSize; i++)
        {
            innerPad[i] = (byte)(key[i] ^ 0x36);
            outerPad[i] = (byte)(key[i] ^ 0x5c);
        }

        Restart(label);
    }

    /// <summary>How many blocks have been taken so far.</summary>
    public long Position => index;

    /// <summary>Starts the stream of another label, at block 0, with the same seed.</summary>
    public void Restart(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var needed = Encoding.UTF8.GetByteCount(label) + 1 + 20;
        if (message.Length < needed)
        {
            message = new byte[needed];
        }

        prefixLength = Encoding.UTF8.GetBytes(label, message);
        message[prefixLength++] = (byte)':';
        index = 0;
    }

    /// <summary>The next unsigned 64-bit number of the label.</summary>
    public ulong Next()
    {
        Utf8Formatter.TryFormat(index, message.AsSpan(prefixLength), out var digits);
        index++;
        inner.AppendData(innerPad);
        inner.AppendData(message, 0, prefixLength + digits);
        inner.GetHashAndReset(innerHash);
        outer.AppendData(outerPad);
        outer.AppendData(innerHash);
        outer.GetHashAndReset(block);
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

    public void Dispose()
    {
        inner.Dispose();
        outer.Dispose();
    }
}
