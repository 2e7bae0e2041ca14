using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Hardening;

/// <summary>
/// What Kestrel refuses before the app sees a request still answers problem+json with the right type.
/// The test server has no request line or header limits, so these run against real Kestrel on
/// loopback with a raw TCP client that can send what no HTTP client would.
/// </summary>
[Trait("lane", "integration")]
public sealed class ServerRefusalTests(ServerRefusalTests.Server server) : IClassFixture<ServerRefusalTests.Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class Server : PlatformFactory
    {
        public Server()
        {
            With("urls", "http://127.0.0.1:0");
            UseKestrel();
            StartServer();
            Address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        public Uri Address { get; }
    }

    [Fact]
    public async Task A_request_line_longer_than_the_server_accepts_is_a_414_problem()
    {
        var (status, headers, problem) = await SendAsync($"GET /api/health?q={new string('x', 10_000)} HTTP/1.1\r\nHost: test\r\n\r\n");
        AssertProblem(414, "https://tools.ietf.org/html/rfc9110#section-15.5.15", status, headers, problem);
    }

    [Fact]
    public async Task Headers_larger_than_the_server_accepts_are_a_431_problem()
    {
        var (status, headers, problem) = await SendAsync($"GET /api/health HTTP/1.1\r\nHost: test\r\nX-Padding: {new string('x', 40_000)}\r\n\r\n");
        AssertProblem(431, "https://tools.ietf.org/html/rfc6585#section-5", status, headers, problem);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /api/health HTTP/1.1\r\nHost: test\r\nBad Header Without Colon\r\n\r\n")]
    [InlineData("GET /api/he alth HTTP/1.1\r\nHost: test\r\n\r\n")]
    public async Task A_malformed_request_is_a_400_problem(string request)
    {
        var (status, headers, problem) = await SendAsync(request);
        AssertProblem(400, "https://tools.ietf.org/html/rfc9110#section-15.5.1", status, headers, problem);
    }

    [Fact]
    public async Task A_body_larger_than_the_server_accepts_is_a_413_problem_with_the_413_type()
    {
        var (status, headers, problem) = await SendAsync(
            "POST /api/approvals HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer dev-approval-system\r\nContent-Type: application/json\r\n" +
            "Content-Length: 40000000\r\n\r\n{\"approvalId\":");
        AssertProblem(413, "https://tools.ietf.org/html/rfc9110#section-15.5.14", status, headers, problem);
        Assert.True(problem.TryGetProperty("correlationId", out _));
    }

    [Fact]
    public async Task Ordinary_requests_pass_the_refusal_layer_unchanged_on_a_kept_alive_connection()
    {
        using var client = new HttpClient { BaseAddress = server.Address };
        for (var i = 0; i < 3; i++)
        {
            var health = await client.GetAsync("/api/health", Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var missing = await client.GetAsync("/api/no-such-thing", Ct);
            await missing.ReadProblemAsync(HttpStatusCode.NotFound);
        }
    }

    private static void AssertProblem(int expected, string type, int status, IReadOnlyDictionary<string, string> headers, JsonElement problem)
    {
        Assert.Equal(expected, status);
        Assert.StartsWith("application/problem+json", headers.GetValueOrDefault("content-type") ?? "", StringComparison.Ordinal);
        Assert.Equal(expected, problem.GetProperty("status").GetInt32());
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    private async Task<(int Status, IReadOnlyDictionary<string, string> Headers, JsonElement Problem)> SendAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Address.Host, server.Address.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), Ct);
        await stream.FlushAsync(Ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var received = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                received.Write(chunk, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server may reset the connection after answering; what it sent is what counts.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no response head in: {text}");
        var lines = text[..split].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = text[(split + 4)..];
        if (headers.GetValueOrDefault("transfer-encoding") == "chunked")
        {
            body = Unchunk(body);
        }

        Assert.True(body.Length > 0, $"an empty body with: {text[..split]}");
        return (status, headers, JsonDocument.Parse(body).RootElement.Clone());
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked[at..end], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, end + 2, size);
            at = end + 2 + size + 2;
        }
    }
}
