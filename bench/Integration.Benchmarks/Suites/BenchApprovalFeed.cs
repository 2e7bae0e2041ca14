using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Integration.Benchmarks.Suites;

/// <summary>
/// The approval system's feed (docs/connectors.md) on Kestrel, on a loopback port of this process. Items are
/// serialised beforehand and a page is found by binary search, so the feed costs little beside the platform it feeds;
/// the page token is the key of the last item served, as the contract suggests.
/// </summary>
internal sealed class BenchApprovalFeed : IAsyncDisposable
{
    private const string Route = "/feed/approvals";

    private static readonly byte[] ItemsOpen = "{\"items\":["u8.ToArray();
    private static readonly byte[] NextOpen = "],\"nextPageToken\":"u8.ToArray();

    private readonly WebApplication app;
    private readonly IReadOnlyList<BenchFeedItem> items;
    private readonly Action onFirstRequest;
    private readonly TaskCompletionSource firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource lastPage = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int requests;
    private int pages;
    private long lastPageServedAt;

    private BenchApprovalFeed(WebApplication app, IReadOnlyList<BenchFeedItem> items, Action onFirstRequest)
    {
        this.app = app;
        this.items = items;
        this.onFirstRequest = onFirstRequest;
    }

    /// <summary>The base the platform is configured with; it calls <c>{BaseUrl}/approvals</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Completes when the platform asks for the first page.</summary>
    public Task FirstRequest => firstRequest.Task;

    /// <summary>Completes when a page with no next token, the end of the feed, has been served.</summary>
    public Task LastPage => lastPage.Task;

    public int Requests => Volatile.Read(ref requests);

    public int Pages => Volatile.Read(ref pages);

    /// <summary><see cref="Environment.TickCount64"/> when the last page was served, to tell a stalled pull from a slow one.</summary>
    public long LastPageServedAt => Interlocked.Read(ref lastPageServedAt);

    /// <param name="items">In the feed's order, (updatedAt, approvalId).</param>
    /// <param name="onFirstRequest">Called on the first request, before it is answered: where the clock starts.</param>
    public static async Task<BenchApprovalFeed> StartAsync(IReadOnlyList<BenchFeedItem> items, Action onFirstRequest, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var feed = new BenchApprovalFeed(app, items, onFirstRequest);
        app.MapGet(Route, feed.HandleAsync);
        await app.StartAsync(cancellationToken);
        feed.BaseUrl = new Uri(app.Urls.First() + "/feed");
        feed.lastPageServedAt = Environment.TickCount64;
        return feed;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private static string Encode(BenchFeedItem item) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{item.UpdatedAtTicks.ToString(CultureInfo.InvariantCulture)}|{item.ApprovalId}"));

    private static (long Ticks, string ApprovalId)? Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return bar > 0 && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? (ticks, text[(bar + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static int Compare(BenchFeedItem item, long ticks, string approvalId) =>
        item.UpdatedAtTicks != ticks ? item.UpdatedAtTicks.CompareTo(ticks) : string.CompareOrdinal(item.ApprovalId, approvalId);

    private async Task HandleAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref requests) == 1)
        {
            onFirstRequest();
            firstRequest.TrySetResult();
        }

        var query = context.Request.Query;
        if (!DateTimeOffset.TryParse(query["updatedSince"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)
            || !int.TryParse(query["pageSize"], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // The first item at or after updatedSince, then, with a token, the first after the item it names.
        var start = FirstIndex(item => Compare(item, since.UtcTicks, "") >= 0);
        if (query["pageToken"].FirstOrDefault() is { } token)
        {
            if (Decode(token) is not { } after)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            start = Math.Max(start, FirstIndex(item => Compare(item, after.Ticks, after.ApprovalId) > 0));
        }

        var end = Math.Min(items.Count, start + size);
        var next = end < items.Count ? Encode(items[end - 1]) : null;
        var body = new MemoryStream(((end - start) * 1024) + 256);
        body.Write(ItemsOpen);
        for (var i = start; i < end; i++)
        {
            if (i > start)
            {
                body.WriteByte((byte)',');
            }

            body.Write(items[i].Json);
        }

        body.Write(NextOpen);
        body.Write(next is null ? "null"u8 : Encoding.UTF8.GetBytes($"\"{next}\""));
        body.WriteByte((byte)'}');

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted);
        Interlocked.Increment(ref pages);
        Interlocked.Exchange(ref lastPageServedAt, Environment.TickCount64);
        if (next is null)
        {
            lastPage.TrySetResult();
        }
    }

    /// <summary>The first index whose item satisfies <paramref name="isAtOrAfter"/>, which holds for a suffix of the feed.</summary>
    private int FirstIndex(Func<BenchFeedItem, bool> isAtOrAfter)
    {
        var (low, high) = (0, items.Count);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (isAtOrAfter(items[middle]))
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}
