using System.Globalization;
using System.Net;
using System.Text.Json;
using Integration.Domain.Kernel;

namespace Integration.Functions.Approvals.Pull;

/// <summary>One page of the approval system's feed: raw items (each is validated on its own) and the next page's token.</summary>
public sealed record FeedPage(IReadOnlyList<JsonElement> Items, string? NextPageToken);

/// <summary>The feed answered, but not with a page of the contract.</summary>
public sealed class FeedFormatException(string message) : Exception(message);

/// <summary>The feed answered with an error status after every retry.</summary>
public sealed class FeedUnavailableException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// Calls <c>GET {base}/approvals?updatedSince=…&amp;pageToken=…&amp;pageSize=…</c> through the
/// named HttpClient, whose handler chain holds the resilience pipeline.
/// </summary>
public sealed class ApprovalFeedClient(IHttpClientFactory clients)
{
    public const string HttpClientName = "approval-system";

    public async Task<FeedPage> GetPageAsync(Uri baseUrl, DateTimeOffset updatedSince, string? pageToken, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var query = $"approvals?updatedSince={Uri.EscapeDataString(updatedSince.ToString("O", CultureInfo.InvariantCulture))}&pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}";
        if (pageToken is not null)
        {
            query += "&pageToken=" + Uri.EscapeDataString(pageToken);
        }

        var client = clients.CreateClient(HttpClientName);
        using var response = await client.GetAsync(new Uri(baseUrl, query), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FeedUnavailableException(response.StatusCode, $"The approval system answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return Parse(body);
    }

    public static FeedPage Parse(ReadOnlySpan<byte> body)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(body);
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FeedFormatException($"The page is not JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new FeedFormatException("The page has no 'items' array.");
        }

        string? next = null;
        if (root.TryGetProperty("nextPageToken", out var token))
        {
            next = token.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String when JsonStrings.TryGet(token, out var t) => t.Length > 0 ? t : null,
                _ => throw new FeedFormatException("'nextPageToken' must be a string or null."),
            };
        }

        return new FeedPage(items.EnumerateArray().ToArray(), next);
    }
}
