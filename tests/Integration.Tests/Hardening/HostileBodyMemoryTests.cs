using System.Net;
using System.Net.Http.Json;
using System.Text;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// Issue 10.8: bodies far larger than a route accepts, sent 8 at a time, must not grow the app process. Measured on the
/// built app in its own process (the kernel's peak resident set, VmHWM, which no GC setting hides), after a warm-up that
/// brings JIT, Kestrel's buffers and the thread pool to their steady size, so the difference is what the bodies cost.
/// </summary>
[Trait("lane", "integration")]
public sealed class HostileBodyMemoryTests
{
    /// <summary>Just under Kestrel's default server limit (30,000,000 bytes), so only the app's own limits stand in the way.</summary>
    public const int HostileBodyBytes = 29_000_000;

    private const long AllowedGrowth = 100L * 1024 * 1024;
    private const int Concurrent = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eight_concurrent_29_MB_bodies_of_every_shape_move_peak_memory_by_less_than_100_MB()
    {
        await using var app = await BuiltFunctionApp.StartAsync(new Dictionary<string, string> { ["Durable:Engine"] = "Off" }, Ct);
        var bodies = HostileBodies.All(HostileBodyBytes);

        // A command on an approval that does not exist is answered 404 before its body is read: the declined one must exist.
        using (var system = app.Client("dev-approval-system", TimeSpan.FromSeconds(30)))
        {
            using var pushed = await system.PostAsJsonAsync("/api/approvals", Approvals.ApprovalData.Valid("WH-MEM-0001"), Ct);
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        // Warm-up: the same requests with small bodies, so the baseline includes what any request costs the first time.
        var small = HostileBodies.All(200 * 1024);
        foreach (var target in HostileBodies.Targets)
        {
            foreach (var (_, body) in small)
            {
                var outcomes = await HostileBodies.SendConcurrentlyAsync(app, target, body, Concurrent, Ct);
                Assert.All(outcomes, o => Assert.Equal(target.Expected, o));
            }
        }

        var before = app.ProcStatusBytes("VmHWM");
        var seen = new List<string>();
        foreach (var target in HostileBodies.Targets)
        {
            foreach (var (shape, body) in bodies)
            {
                var outcomes = await HostileBodies.SendConcurrentlyAsync(app, target, body, Concurrent, Ct);
                seen.Add($"{target.Name}/{shape}: {string.Join(",", outcomes.Select(o => (int)o))}");
                Assert.All(outcomes, o => Assert.Equal(target.Expected, o));
            }
        }

        var growth = app.ProcStatusBytes("VmHWM") - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"VmHWM {before / 1024} KiB before, {(before + growth) / 1024} KiB after (+{growth / 1024} KiB); VmRSS now {app.ProcStatusBytes("VmRSS") / 1024} KiB");
        Assert.True(growth < AllowedGrowth,
            $"peak resident set grew by {growth / (1024 * 1024)} MiB (from {before / (1024 * 1024)} MiB): {string.Join("; ", seen)}");
    }
}

/// <summary>The hostile bodies and where they are sent; shared with the benchmark's figures in docs/benchmarks.md.</summary>
public static class HostileBodies
{
    public sealed record Target(string Name, string Key, string Path, HttpStatusCode Expected);

    public static readonly Target[] Targets =
    [
        // A department may not push approvals: refused by role before the body is read.
        new("refused principal", "dev-housing", "/api/approvals", HttpStatusCode.Forbidden),
        // The trading centre may submit a lead, whose limit is 128 KiB: refused as the body passes the limit.
        new("accepted principal, 128 KiB limit", "dev-trading-center", "/api/leads", HttpStatusCode.RequestEntityTooLarge),
        // A department may decline an approval, a command of at most 64 KiB.
        new("accepted principal, 64 KiB limit", "dev-housing", "/api/approvals/WH-MEM-0001/decline", HttpStatusCode.RequestEntityTooLarge),
    ];

    /// <summary>One long string, many fields, deep arrays: each exactly <paramref name="bytes"/> long.</summary>
    public static IReadOnlyList<(string Shape, byte[] Body)> All(int bytes) =>
    [
        ("one long string", LongString(bytes)),
        ("many fields", ManyFields(bytes)),
        ("deep arrays", DeepArrays(bytes)),
    ];

    /// <summary>
    /// Sends <paramref name="body"/> <paramref name="count"/> times at once, half with a Content-Length and half chunked,
    /// and returns each status; a connection the server closes before taking the whole body is what it may do with a
    /// body it refuses, so that counts as the expected refusal only when no status came back at all.
    /// </summary>
    public static async Task<HttpStatusCode[]> SendConcurrentlyAsync(BuiltFunctionApp app, Target target, byte[] body, int count, CancellationToken ct)
    {
        using var client = app.Client(target.Key, TimeSpan.FromSeconds(60));
        var sends = Enumerable.Range(0, count).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Path)
            {
                Content = i % 2 == 0 ? new ByteArrayContent(body) : new ChunkedContent(body),
            };
            request.Content.Headers.ContentType = new("application/json");
            try
            {
                using var response = await client.SendAsync(request, ct);
                return response.StatusCode;
            }
            catch (HttpRequestException e) when (e.InnerException is IOException)
            {
                return target.Expected;
            }
        });
        return await Task.WhenAll(sends);
    }

    private static byte[] LongString(int bytes)
    {
        var head = "{\"reason\":\""u8;
        var tail = "\"}"u8;
        var body = new byte[bytes];
        head.CopyTo(body);
        body.AsSpan(head.Length, bytes - head.Length - tail.Length).Fill((byte)'a');
        tail.CopyTo(body.AsSpan(bytes - tail.Length));
        return body;
    }

    private static byte[] ManyFields(int bytes)
    {
        var text = new StringBuilder(bytes + 32).Append('{');
        for (var i = 0; text.Length < bytes - 32; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("\"f").Append(i).Append("\":\"v\"");
        }

        text.Append(",\"z\":\"");
        text.Append('x', bytes - text.Length - 2).Append("\"}");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] DeepArrays(int bytes)
    {
        var head = "{\"reason\":"u8;
        var body = new byte[bytes];
        head.CopyTo(body);
        var depth = (bytes - head.Length - 1) / 2;
        body.AsSpan(head.Length, depth).Fill((byte)'[');
        body.AsSpan(head.Length + depth, bytes - head.Length - depth - 1).Fill((byte)']');
        body[^1] = (byte)'}';
        return body;
    }

    /// <summary>A body of unknown length: sent with <c>Transfer-Encoding: chunked</c>.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
