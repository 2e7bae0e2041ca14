using System.Globalization;
using System.Net;
using System.Text;
using Integration.Benchmarks.Harness;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// Bodies far larger than a route accepts (29 MB, just under Kestrel's default limit), 8 at a time, to the function app
/// in its own process: by a principal the route refuses (403 before the body is read) and by one it accepts to routes of
/// 64 KiB and 128 KiB (413 as the body passes the limit). Shapes: one long string, many fields, deep arrays; half the
/// requests with a Content-Length, half chunked. The figure to read is the app's peak resident set against its
/// resident set before the bodies; the rate says how fast it turns them away.
/// </summary>
internal sealed class HostileBodySuite : IBenchmarkSuite
{
    private const int BodyBytes = 29_000_000;
    private const int Concurrent = 8;

    private static readonly (string Key, string Path, HttpStatusCode Expected)[] Targets =
    [
        ("dev-housing", "/api/approvals", HttpStatusCode.Forbidden),
        ("dev-trading-center", "/api/leads", HttpStatusCode.RequestEntityTooLarge),
        ("dev-housing", "/api/approvals/WH-MEM-0001/decline", HttpStatusCode.RequestEntityTooLarge),
    ];

    public string Name => "hostile-bodies";

    public string Description => "8 concurrent 29 MB bodies (3 shapes, Content-Length and chunked) refused by the function app in its own process";

    public async Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var appFolder = FunctionAppProcess.AppFolder(RepositoryRoot.Find());
        using var scratch = Scratch.Create(run.Options.DataRoot, "hostile-bodies");
        using var app = FunctionAppProcess.Start(appFolder, Loopback.FreePort(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage:DataPath"] = scratch.Path,
            ["Durable:Engine"] = "Off",
            ["Connectors:ApprovalSystem:BaseUrl"] = "",
        });
        await WaitUntilHealthyAsync(app, cancellationToken);
        var bodies = new[] { LongString(BodyBytes), ManyFields(BodyBytes), DeepArrays(BodyBytes) };

        // One round of small bodies first, so JIT and Kestrel's buffers are in the baseline, not in the figure.
        foreach (var small in new[] { LongString(200 * 1024), ManyFields(200 * 1024), DeepArrays(200 * 1024) })
        {
            await RoundAsync(app, small, cancellationToken);
        }

        app.Process.Refresh();
        run.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  function app resident set before the bodies: {app.Process.WorkingSet64 / (1024 * 1024)} MiB"));
        await run.MeasureAsync(Name, new Workload(
            "29 MB bodies, 8 at a time, refused",
            "bodies/s",
            bodies.Length * Targets.Length * Concurrent,
            bodies.Length * Targets.Length * Concurrent,
            async (count, clock, ct) =>
            {
                var sent = 0L;
                clock.Start();
                while (sent < count)
                {
                    sent += await RoundAsync(app, bodies[(int)(sent / (Targets.Length * Concurrent)) % bodies.Length], ct);
                }

                clock.Stop();
                return sent;
            })
        {
            Server = app.Process,
            Note = "server peak RSS is the function app's (VmHWM, reset after the warm-up); its resident set before the bodies is in the log",
        }, cancellationToken);
    }

    /// <summary>The body to every target, 8 at a time; returns how many were sent, each refused with the status expected.</summary>
    private static async Task<long> RoundAsync(FunctionAppProcess app, byte[] body, CancellationToken cancellationToken)
    {
        foreach (var (key, path, expected) in Targets)
        {
            using var client = new HttpClient { BaseAddress = app.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
            var statuses = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(async i =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = i % 2 == 0 ? new ByteArrayContent(body) : new ChunkedContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                try
                {
                    using var response = await client.SendAsync(request, cancellationToken);
                    return response.StatusCode;
                }
                catch (HttpRequestException e) when (e.InnerException is IOException)
                {
                    // The server may close the connection on a body it refused before all of it was sent.
                    return expected;
                }
            }));
            if (statuses.FirstOrDefault(s => s != expected) is var other && other != default)
            {
                throw new InvalidOperationException($"POST {path} as {key}: {(int)other}, expected {(int)expected}.\n{app.Output()}");
            }
        }

        return Targets.Length * Concurrent;
    }

    private static async Task WaitUntilHealthyAsync(FunctionAppProcess app, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (app.Process.HasExited)
            {
                throw new InvalidOperationException($"The function app exited:\n{app.Output()}");
            }

            try
            {
                if ((await app.Client.GetAsync("api/health", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The function app did not become healthy:\n{app.Output()}");
    }

    private static byte[] LongString(int bytes) => Frame("{\"reason\":\"", (byte)'a', "\"}", bytes);

    private static byte[] DeepArrays(int bytes)
    {
        var body = Frame("{\"reason\":", (byte)'[', "}", bytes);
        body.AsSpan(10 + ((bytes - 11) / 2), bytes - 11 - ((bytes - 11) / 2)).Fill((byte)']');
        return body;
    }

    private static byte[] ManyFields(int bytes)
    {
        var text = new StringBuilder(bytes + 32).Append('{');
        for (var i = 0; text.Length < bytes - 32; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("\"f").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\":\"v\"");
        }

        text.Append(",\"z\":\"").Append('x', bytes - text.Length - 2).Append("\"}");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] Frame(string head, byte fill, string tail, int bytes)
    {
        var body = new byte[bytes];
        Encoding.ASCII.GetBytes(head).CopyTo(body, 0);
        body.AsSpan(head.Length, bytes - head.Length - tail.Length).Fill(fill);
        Encoding.ASCII.GetBytes(tail).CopyTo(body, bytes - tail.Length);
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
