using Integration.Functions.Identity;
using Integration.Tests.Support;
using Microsoft.Extensions.Options;

namespace Integration.Tests.Platform;

/// <summary>
/// Every options class is validated one way (data annotations and, for what they cannot say,
/// <see cref="IValidateOptions{TOptions}"/>, both at start-up): a bad value stops the app, and the
/// message names the key an operator must fix.
/// </summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Approvals:ClaimWorkingDays", "0", "Approvals:ClaimWorkingDays must be from 1 to 60")]
    [InlineData("Approvals:ClaimWorkingDays", "61", "Approvals:ClaimWorkingDays must be from 1 to 60")]
    [InlineData("Approvals:SourceSystem", "", "Approvals:SourceSystem must name")]
    [InlineData("Leads:RelayWorkingDays", "0", "Leads:RelayWorkingDays is 0")]
    [InlineData("Leads:Police", "nobody", "Leads:Police names 'nobody'")]
    [InlineData("Connectors:ApprovalSystem:PageSize", "0", "Connectors:ApprovalSystem:PageSize must be from 1 to 1000")]
    [InlineData("Durable:TaskHub", "x", "Durable:TaskHub must be 3 to 45 letters and digits")]
    [InlineData("Durable:TaskHub", "integration-hub", "Durable:TaskHub must be 3 to 45 letters and digits")]
    [InlineData("Durable:PartitionCount", "17", "Durable:PartitionCount must be from 1 to 16")]
    [InlineData("Durable:WorkItemVisibilityTimeout", "00:00:01", "Durable:WorkItemVisibilityTimeout must be from")]
    [InlineData("Durable:PurgeAfter", "00:10:00", "Durable:PurgeAfter must be from")]
    [InlineData("Timers:TimeZone", "Mars/Olympus_Mons", "Timers:TimeZone 'Mars/Olympus_Mons' is not a time zone")]
    [InlineData("Timers:MaxSleep", "00:00:00", "Timers:MaxSleep must be from")]
    [InlineData("Timers:PastDueAfter", "2.00:00:00", "Timers:PastDueAfter must be from")]
    [InlineData("Identity:ApiKeys:mayor:0", "0000000000000000000000000000000000000000000000000000000000000000", "Identity:ApiKeys names 'mayor'")]
    [InlineData("Identity:ApiKeys:housing:0", "not-a-hash", "Identity:ApiKeys:housing holds 'not-a-hash', which is not a SHA-256 hex digest")]
    [InlineData("Reports:NamedBelowRate", "1.5", "Reports:NamedBelowRate must be from 0 to 1")]
    [InlineData("Reports:AckWorkingDays", "0", "Reports:AckWorkingDays must be from 1 to 60")]
    [InlineData("Reports:Period", "weekly", "Reports:Period must be one of: quarter, half-year, two-month")]
    [InlineData("Storage:Provider", "Floppy", "Storage:Provider")]
    [InlineData("Messaging:Provider", "Pigeon", "Messaging:Provider")]
    public void A_bad_value_stops_the_app_naming_its_key(string key, string value, string expected)
    {
        using var platform = new PlatformFactory().With(key, value);

        var messages = Messages(Assert.ThrowsAny<Exception>(() => platform.CreateClient()));

        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_hash_given_twice_is_named_with_both_principals()
    {
        var hash = ApiKeyDirectory.Hash("shared-secret");
        using var platform = new PlatformFactory().With("Identity:ApiKeys:housing:0", hash).With("Identity:ApiKeys:water:0", hash);

        var messages = Messages(Assert.ThrowsAny<Exception>(() => platform.CreateClient()));

        Assert.Contains(messages, m => m.Contains("reuses a key hash of", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_and_valid_values_start()
    {
        using var platform = new PlatformFactory()
            .With("Approvals:ClaimWorkingDays", "60")
            .With("Durable:PartitionCount", "16")
            .With("Timers:TimeZone", "Asia/Shanghai")
            .With("Identity:ApiKeys:housing:0", ApiKeyDirectory.Hash("a-real-key").ToUpperInvariant());

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

            if (next is OptionsValidationException validation)
            {
                messages.AddRange(validation.Failures);
            }
        }

        return messages;
    }
}
