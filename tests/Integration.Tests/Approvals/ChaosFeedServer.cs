using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Functions.Approvals.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Integration.Tests.Approvals;

/// <summary>How often the feed misbehaves, each a share of all requests.</summary>
internal sealed record Chaos(double ServerErrors = 0, double Throttled = 0, double Hangs = 0, double Malformed = 0)
{
    public static readonly Chaos None = new();
}

/// <summary>
/// An approval system's feed on Kestrel, on a loopback port of its own: it serves the contract's pages
/// and, at random from a fixed seed, answers 500, 429 with Retry-After, hangs past the client's
/// timeout, or sends a page cut off mid-JSON. It can also be taken down (503) after some pages.
/// </summary>
internal sealed class ChaosFeedServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Random random;
    private readonly Lock gate = new();
    private readonly List<FeedEntry> entries = [];
    private readonly List<string> requests = [];
    private readonly Queue<string> script = new();
    private int goodPages;

    private ChaosFeedServer(WebApplication app, int seed)
    {
        this.app = app;
        random = new Random(seed);
    }

    public Chaos Chaos { get; set; } = Chaos.None;

    /// <summary>After this many good pages the feed answers 503 to everything until set back to null.</summary>
    public int? DownAfterPages { get; set; }

    /// <summary>This many requests from now on are answered 429, whatever the dice say.</summary>
    public int ThrottleNext { get; set; }

    /// <summary>The Retry-After of a 429, in seconds.</summary>
    public int RetryAfterSeconds { get; set; }

    public TimeSpan HangFor { get; set; } = TimeSpan.FromSeconds(5);

    public Uri BaseUrl { get; private set; } = null!;

    public Dictionary<string, int> Answers { get; } = [];

    /// <summary>How many requests were given <paramref name="answer"/> so far ("hang" counts from the moment the hang starts).</summary>
    public int Answered(string answer)
    {
        lock (gate)
        {
            return Answers.GetValueOrDefault(answer);
        }
    }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToArray();
            }
        }
    }

    public static async Task<ChaosFeedServer> StartAsync(int seed)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ChaosFeedServer(app, seed);
        app.MapGet("/feed/approvals", server.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.BaseUrl = new Uri(app.Urls.First() + "/feed");
        return server;
    }

    /// <summary>Adds an item, or replaces the item of the same approval (a new version moves it to its new updatedAt).</summary>
    public void Put(JsonObject item, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(item);
        item["updatedAt"] = updatedAt.ToString("O", CultureInfo.InvariantCulture);
        var id = item["approvalId"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)item["approvalId"]! : $"#{entries.Count}";
        lock (gate)
        {
            entries.RemoveAll(e => e.ApprovalId == id);
            entries.Add(new FeedEntry(updatedAt, id, item));
        }
    }

    /// <summary>The next answers, before the dice are rolled again: "500", "429", "hang", "malformed" or "page".</summary>
    public void Script(params string[] answers)
    {
        lock (gate)
        {
            foreach (var answer in answers)
            {
                script.Enqueue(answer);
            }
        }
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private bool TakeThrottle()
    {
        if (ThrottleNext <= 0)
        {
            return false;
        }

        ThrottleNext--;
        return true;
    }

    private string Roll(double roll)
    {
        var c = Chaos;
        return roll < c.ServerErrors ? "500"
            : roll < c.ServerErrors + c.Throttled ? "429"
            : roll < c.ServerErrors + c.Throttled + c.Hangs ? "hang"
            : roll < c.ServerErrors + c.Throttled + c.Hangs + c.Malformed ? "malformed"
            : "page";
    }

    private async Task HandleAsync(HttpContext context)
    {
        var answer = "";
        var body = "";
        lock (gate)
        {
            requests.Add(context.Request.QueryString.Value ?? "");
            answer = DownAfterPages is { } limit && goodPages >= limit ? "503"
                : TakeThrottle() ? "429"
                : script.Count > 0 ? script.Dequeue()
                : Roll(random.NextDouble());
            if (answer is "page" or "malformed")
            {
                var since = DateTimeOffset.Parse(context.Request.Query["updatedSince"]!, CultureInfo.InvariantCulture);
                var size = int.Parse(context.Request.Query["pageSize"]!, CultureInfo.InvariantCulture);
                try
                {
                    var (items, next) = FeedPaging.Page(entries.ToArray(), since, context.Request.Query["pageToken"].FirstOrDefault(), size);
                    body = new JsonObject { ["items"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()), ["nextPageToken"] = next }.ToJsonString();
                    body = answer == "malformed" ? body[..(body.Length / 2)] : body;
                    goodPages += answer == "page" ? 1 : 0;
                }
                catch (FormatException)
                {
                    answer = "400";
                }
            }

            Answers[answer] = Answers.GetValueOrDefault(answer) + 1;
        }

        switch (answer)
        {
            case "400":
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            case "503":
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case "500":
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("internal error", context.RequestAborted);
                return;
            case "429":
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return;
            case "hang":
                try
                {
                    // A feed that does not answer is what the attempt timeout is tested against: the delay is the subject.
                    await Task.Delay(HangFor, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, as it should.
                }

                return;
            default:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body, context.RequestAborted);
                return;
        }
    }
}
