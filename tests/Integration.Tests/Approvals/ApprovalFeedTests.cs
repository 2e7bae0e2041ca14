using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Functions.Approvals.Pull;
using Integration.Functions.Approvals.Sample;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Integration.Tests.Approvals;

/// <summary>The pieces of the feed contract that need no server: paging, parsing a page, Retry-After.</summary>
[Trait("lane", "unit")]
public sealed class ApprovalFeedTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 9, 9, 0, 0, TimeSpan.FromHours(8));

    private static FeedEntry Entry(int minutes, string id) => new(T0.AddMinutes(minutes), id, new JsonObject { ["approvalId"] = id });

    private static readonly FeedEntry[] Feed = [Entry(2, "C"), Entry(0, "B"), Entry(0, "A"), Entry(1, "A"), Entry(2, "D")];

    private static string[] Ids(IReadOnlyList<JsonObject> items) => items.Select(i => (string)i["approvalId"]!).ToArray();

    [Fact]
    public void Pages_follow_updated_at_then_id_and_end_with_a_null_token()
    {
        var (first, token) = FeedPaging.Page(Feed, T0, null, 2);
        Assert.Equal(["A", "B"], Ids(first));
        var (second, token2) = FeedPaging.Page(Feed, T0, token, 2);
        Assert.Equal(["A", "C"], Ids(second));
        var (third, token3) = FeedPaging.Page(Feed, T0, token2, 2);
        Assert.Equal(["D"], Ids(third));
        Assert.Null(token3);
    }

    [Fact]
    public void The_last_instant_is_served_again_from_updated_since() =>
        Assert.Equal(["C", "D"], Ids(FeedPaging.Page(Feed, T0.AddMinutes(2), null, 10).Items));

    [Fact]
    public void A_token_the_feed_did_not_issue_is_refused() =>
        Assert.Throws<FormatException>(() => FeedPaging.Page(Feed, T0, Convert.ToBase64String(Encoding.UTF8.GetBytes("nonsense")), 2));

    [Theory]
    [InlineData("""{"items":[{"approvalId":"A"}],"nextPageToken":"t1"}""", 1, "t1")]
    [InlineData("""{"items":[],"nextPageToken":null}""", 0, null)]
    [InlineData("""{"items":[1,"x"]}""", 2, null)]
    public void A_page_of_the_contract_parses_with_its_items_left_raw(string body, int count, string? next)
    {
        var page = ApprovalFeedClient.Parse(Encoding.UTF8.GetBytes(body));
        Assert.Equal(count, page.Items.Count);
        Assert.Equal(next, page.NextPageToken);
    }

    [Theory]
    [InlineData("""{"items":[{"approvalId":"A"}""")]
    [InlineData("""{"data":[]}""")]
    [InlineData("""[]""")]
    [InlineData("""{"items":[],"nextPageToken":7}""")]
    [InlineData("<html>busy</html>")]
    public void Anything_else_is_a_format_error(string body) =>
        Assert.Throws<FeedFormatException>(() => ApprovalFeedClient.Parse(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Retry_after_is_read_as_seconds_or_a_date_on_429_and_503_only()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfter.Of(seconds, T0));

        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.RetryAfter = new RetryConditionHeaderValue(T0.AddSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(20), RetryAfter.Of(date, T0));
        Assert.Equal(TimeSpan.Zero, RetryAfter.Of(date, T0.AddMinutes(1)));

        using var error = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        error.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
        Assert.Null(RetryAfter.Of(error, T0));

        using var plain = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        Assert.Null(RetryAfter.Of(plain, T0));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void Only_transient_statuses_are_retried(HttpStatusCode status, bool transient)
    {
        using var response = new HttpResponseMessage(status);
#pragma warning disable xUnit1051 // The overload that takes a token is experimental (EXTEXP0001); the pipeline uses this one.
        Assert.Equal(transient, HttpClientResiliencePredicates.IsTransient(Outcome.FromResult(response)));
#pragma warning restore xUnit1051
    }
}
