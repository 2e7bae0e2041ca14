using Integration.Functions.Identity;
using Integration.Tests.Support;
using Microsoft.Extensions.Options;

namespace Integration.Tests.Platform;

/// <summary>
/// Every options class is validated one way (data annotations and, for what they cannot say,
/// <see cref="IValidateOptions{TOptions}"/>, both at start-up): a bad value stops the app, and the
/// message names the key an operator must fix.
/// </summary>
[Trait("lane", "integration")]
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
    [InlineData("Identity:EntraId:Audience", "api://x", "Identity:EntraId:TenantId is required")]
    [InlineData("Identity:EntraId:TenantId", "common", "Identity:EntraId:TenantId is 'common'")]
    [InlineData("Identity:EntraId:TenantId", "contoso onmicrosoft", "neither a tenant id nor a domain name")]
    [InlineData("Messaging:Provider", "Pigeon", "Messaging:Provider")]
    public void A_bad_value_stops_the_app_naming_its_key(string key, string value, string expected)
    {
        using var platform = new PlatformFactory().With(key, value);

        var messages = Messages(Assert.ThrowsAny<Exception>(() => platform.CreateClient()));

        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Identity:EntraId:Instance", "http://login.microsoftonline.com/", "Identity:EntraId:Instance must be https")]
    [InlineData("Identity:EntraId:Instance", "https://login.microsoftonline.com/tenant/v2.0", "Identity:EntraId:Instance holds")]
    [InlineData("Identity:EntraId:AllowHttpOnLoopback", "true", "Identity:EntraId:AllowHttpOnLoopback is on while")]
    [InlineData("Identity:EntraId:Principals:mayor", "Mayor", "Identity:EntraId:Principals names 'mayor'")]
    [InlineData("Identity:EntraId:Principals:water", "Department.Housing", "Identity:EntraId:Principals:water reuses the app role value 'Department.Housing' of 'housing'")]
    [InlineData("Identity:EntraId:Principals:water", " , ", "Identity:EntraId:Principals:water names no app role value")]
    [InlineData("Identity:EntraId:Audience", "", "Identity:EntraId:Audience (or Identity:EntraId:ClientId) is required")]
    public void A_bad_Entra_ID_setting_stops_the_app_naming_its_key(string key, string value, string expected)
    {
        using var platform = EntraId(new PlatformFactory()).With(key, value);

        var messages = Messages(Assert.ThrowsAny<Exception>(() => platform.CreateClient()));

        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Valid_Entra_ID_settings_start()
    {
        using var platform = EntraId(new PlatformFactory());

        using var client = platform.CreateClient();

        Assert.NotNull(client);
    }

    private static PlatformFactory EntraId(PlatformFactory platform) => platform
        .With("Identity:EntraId:TenantId", "5b0e4f5c-7a1d-4c3e-9d55-2f0c3a9b1e01")
        .With("Identity:EntraId:Audience", "api://weihai-tendering-integration")
        .With("Identity:EntraId:Principals:housing", "Department.Housing");

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
