using System.Net;
using System.Text.Json;
using Integration.Domain.Approvals;
using Integration.Domain.Kernel;
using Integration.Functions.Platform;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Integration.Functions.Approvals.Pull;

/// <summary>What one pull run did. <see cref="Completed"/>: it reached the end of the feed.</summary>
public sealed record PullReport(bool Ran, bool Completed, int Pages, int Received, int Stored, int Unchanged, int Skipped, int Quarantined, string? Error);

/// <summary>
/// The pull connector: reads the approval system's feed page by page from the saved checkpoint,
/// stores each valid record through the same path as a push, quarantines each invalid one with its
/// reasons, and saves the checkpoint after every page. A run that fails stops where it is; the next
/// run goes on from the checkpoint, and items at or before it are skipped.
/// </summary>
public sealed class ApprovalPull(
    ApprovalFeedClient feed,
    ApprovalService approvals,
    ApprovalQuarantine quarantine,
    PullCheckpoints checkpoints,
    IOptionsMonitor<ApprovalSystemConnectorOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ApprovalPull> logger)
{
    public const string Connector = "approval-system";

    private readonly SemaphoreSlim running = new(1, 1);

    public async Task<PullReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        if (string.IsNullOrWhiteSpace(settings.BaseUrl))
        {
            return new PullReport(false, false, 0, 0, 0, 0, 0, 0, null);
        }

        if (ResolveBaseUrl(settings.BaseUrl) is not { } baseUrl)
        {
            logger.LogWarning("Connectors:ApprovalSystem:BaseUrl '{BaseUrl}' cannot be resolved to an address; no pull", settings.BaseUrl);
            return new PullReport(false, false, 0, 0, 0, 0, 0, 0, "The base URL cannot be resolved.");
        }

        // One run at a time in this process; across instances the checkpoint's ETag stops the later one.
        if (!await running.WaitAsync(0, cancellationToken))
        {
            return new PullReport(false, false, 0, 0, 0, 0, 0, 0, "A pull is already running.");
        }

        try
        {
            var report = await PullAsync(baseUrl, settings, cancellationToken);
            logger.LogInformation(
                "Approval pull from {BaseUrl}: {Pages} pages, {Received} received, {Stored} stored, {Unchanged} unchanged, {Skipped} skipped, {Quarantined} quarantined, completed: {Completed}{Error}",
                baseUrl, report.Pages, report.Received, report.Stored, report.Unchanged, report.Skipped, report.Quarantined, report.Completed, report.Error is null ? "" : "; " + report.Error);
            return report;
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<PullReport> PullAsync(Uri baseUrl, ApprovalSystemConnectorOptions settings, CancellationToken cancellationToken)
    {
        var checkpoint = await checkpoints.LoadAsync(Connector, cancellationToken);
        var position = checkpoint.Position;
        var since = checkpoint.PageToken is not null && checkpoint.SweepSince is { } sweep ? sweep : position?.UpdatedAt ?? settings.InitialUpdatedSince;
        var token = checkpoint.PageToken;
        var counts = new Counts();
        for (var pages = 0; pages < settings.MaxPagesPerRun; pages++)
        {
            FeedPage page;
            try
            {
                page = await FetchAsync(baseUrl, since, token, settings, cancellationToken);
            }
            catch (FeedUnavailableException e) when (token is not null && e.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                // The source no longer knows the saved token: start the sweep again from the position, which skips what was stored.
                logger.LogWarning("The approval system refused page token {Token} ({Status}); sweeping again from the checkpoint", token, (int)e.Status);
                token = null;
                since = position?.UpdatedAt ?? settings.InitialUpdatedSince;
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or FeedUnavailableException or FeedFormatException)
            {
                return counts.Report(false, e.Message);
            }

            counts.Pages++;
            foreach (var item in page.Items)
            {
                position = await HandleAsync(item, position, counts, cancellationToken);
            }

            token = page.NextPageToken;
            try
            {
                checkpoint = await checkpoints.SaveAsync(Connector, checkpoint with
                {
                    Position = position,
                    SweepSince = token is null ? null : since,
                    PageToken = token,
                    CompletedAt = token is null ? time.GetUtcNow() : checkpoint.CompletedAt,
                }, cancellationToken);
            }
            catch (CheckpointMovedException e)
            {
                return counts.Report(false, e.Message);
            }

            if (token is null)
            {
                return counts.Report(true, null);
            }
        }

        return counts.Report(false, $"Stopped after {settings.MaxPagesPerRun} pages; the next run goes on.");
    }

    private async Task<FeedPage> FetchAsync(Uri baseUrl, DateTimeOffset since, string? token, ApprovalSystemConnectorOptions settings, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await feed.GetPageAsync(baseUrl, since, token, settings.PageSize, cancellationToken);
            }
            catch (FeedFormatException e) when (attempt < settings.MalformedPageRetries)
            {
                // A cut-off or garbled body is usually a one-off in transit; the page is read again.
                logger.LogWarning("Approval system page was malformed ({Problem}); reading it again", e.Message);
            }
        }
    }

    private async Task<FeedPosition?> HandleAsync(JsonElement item, FeedPosition? position, Counts counts, CancellationToken cancellationToken)
    {
        counts.Received++;
        var at = FeedPosition.Of(item);
        if (at is not null && position is not null && at <= position)
        {
            counts.Skipped++;
            return position;
        }

        var errors = new FieldErrors();
        var read = ApprovalReader.ReadFeedItem(item, approvals.Rules(), errors);
        if (read is null)
        {
            await quarantine.AddAsync(Connector, item, errors.ToDictionary(), cancellationToken);
            counts.Quarantined++;
            logger.RecordQuarantined(at?.ApprovalId ?? "(no id)", string.Join(", ", errors.ToDictionary().Keys));
            return FeedPosition.Max(position, at);
        }

        var result = await approvals.ReceiveAsync(read.Submission, read.UpdatedAt, "pull", cancellationToken);
        switch (result.Outcome)
        {
            case ReceiveOutcome.Created or ReceiveOutcome.Updated:
                counts.Stored++;
                break;
            case ReceiveOutcome.Conflict:
                await quarantine.AddAsync(Connector, item, new Dictionary<string, string[]> { ["version"] = [result.Problem ?? "conflicting content"] }, cancellationToken);
                counts.Quarantined++;
                break;
            default:
                counts.Unchanged++;
                break;
        }

        return FeedPosition.Max(position, at);
    }

    /// <summary>An absolute URL, or a path on this app's own first address (the Development sample feed).</summary>
    private Uri? ResolveBaseUrl(string configured)
    {
        if (!configured.StartsWith('/'))
        {
            return Uri.TryCreate(configured.TrimEnd('/') + "/", UriKind.Absolute, out var absolute) ? absolute : null;
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var own = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (own is null)
        {
            return null;
        }

        // A wildcard listen address is not one to call; the loopback is.
        own = own.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://[::1]", StringComparison.Ordinal);
        return Uri.TryCreate(own.TrimEnd('/') + configured.TrimEnd('/') + "/", UriKind.Absolute, out var uri) ? uri : null;
    }

    private sealed class Counts
    {
        public int Pages { get; set; }

        public int Received { get; set; }

        public int Stored { get; set; }

        public int Unchanged { get; set; }

        public int Skipped { get; set; }

        public int Quarantined { get; set; }

        public PullReport Report(bool completed, string? error) => new(true, completed, Pages, Received, Stored, Unchanged, Skipped, Quarantined, error);
    }
}
