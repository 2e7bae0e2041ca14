using Integration.Tests.Support;

namespace Integration.Tests.Approvals;

/// <summary>A bad <c>Connectors:ApprovalSystem</c> setting stops the app at start-up, and the message names the key.</summary>
[Trait("lane", "integration")]
public sealed class ApprovalConnectorOptionsTests
{
    private const string Key = "Connectors:ApprovalSystem:";

    [Theory]
    [InlineData("AttemptTimeout", "00:00:00", "AttemptTimeout must be from")]
    [InlineData("AttemptTimeout", "00:02:00", "AttemptTimeout (00:02:00) must be shorter than Connectors:ApprovalSystem:TotalTimeout")]
    [InlineData("AttemptTimeout", "ten seconds", "AttemptTimeout")]
    [InlineData("TotalTimeout", "02:00:00", "TotalTimeout must be from")]
    [InlineData("BaseUrl", "ftp://feed.example/approvals", "BaseUrl must be an absolute http or https URL")]
    [InlineData("BaseUrl", "feed.example", "BaseUrl must be an absolute http or https URL")]
    [InlineData("PageSize", "0", "PageSize must be from 1 to 1000")]
    [InlineData("MaxRetryAttempts", "0", "MaxRetryAttempts must be from")]
    [InlineData("MaxRetryAfter", "00:05:00", "MaxRetryAfter (00:05:00) must be shorter than Connectors:ApprovalSystem:TotalTimeout")]
    [InlineData("RetryDelay", "00:01:00", "RetryDelay (00:01:00) must not exceed Connectors:ApprovalSystem:MaxRetryDelay")]
    [InlineData("FailureRatio", "1.5", "FailureRatio must be from")]
    [InlineData("MinimumThroughput", "1", "MinimumThroughput must be from")]
    [InlineData("SamplingDuration", "00:00:15", "SamplingDuration (00:00:15) must be at least twice Connectors:ApprovalSystem:AttemptTimeout")]
    [InlineData("BreakDuration", "00:00:00.100", "BreakDuration must be from")]
    public void The_app_does_not_start_with_a_bad_connector_setting(string name, string value, string expected)
    {
        using var platform = new PlatformFactory().With(Key + name, value);

        var messages = Messages(Assert.ThrowsAny<Exception>(() => platform.CreateClient()));

        Assert.Contains(messages, m => m.Contains(Key + name, StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once()
    {
        using var platform = new PlatformFactory()
            .With(Key + "BaseUrl", "mailto:feed@example.cn")
            .With(Key + "PageSize", "5000")
            .With(Key + "AttemptTimeout", "00:05:00");

        var messages = string.Join("\n", Messages(Assert.ThrowsAny<Exception>(() => platform.CreateClient())));

        Assert.Contains(Key + "BaseUrl", messages, StringComparison.Ordinal);
        Assert.Contains(Key + "PageSize", messages, StringComparison.Ordinal);
        Assert.Contains(Key + "AttemptTimeout (00:05:00) must be shorter", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://approval.weihai.gov.cn/api/feed")]
    [InlineData("http://10.12.0.7:8080")]
    [InlineData("/sample/approval-system")]
    [InlineData("")]
    public void The_app_starts_with_a_feed_address_it_can_call(string baseUrl)
    {
        using var platform = new PlatformFactory().With(Key + "BaseUrl", baseUrl).With(Key + "RunOnStartup", "false");

        using var client = platform.CreateClient();

        Assert.NotNull(client);
    }

    private static List<string> Messages(Exception e)
    {
        var messages = new List<string>();
        var pending = new Stack<Exception>([e]);
        while (pending.TryPop(out var next))
        {
            messages.Add(next.Message);
            if (next is AggregateException aggregate)
            {
                aggregate.InnerExceptions.ToList().ForEach(pending.Push);
            }
            else if (next.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        return messages;
    }
}
