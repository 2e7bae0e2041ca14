namespace Integration.Tests.Leads;

[Trait("lane", "integration")]
public sealed class LeadOptionsTests
{
    [Fact]
    public async Task The_clocks_are_configurable()
    {
        using var platform = new LeadPlatform();
        platform.With("Leads:RelayWorkingDays", "5");

        var lead = await platform.SubmitAsync(LeadPlatform.Lead("options-five-days"));

        // From 12 February 2026: the 13th, the working Saturday 14th, then the 24th, 25th and 26th.
        Assert.Equal(5, lead.GetProperty("relayDeadline").GetProperty("workingDays").GetInt32());
        Assert.Equal("2026-02-26", lead.GetProperty("relayDeadline").GetProperty("deadline").GetString());
    }

    [Fact]
    public void A_misconfigured_lead_flow_stops_start_up_naming_each_setting()
    {
        using var platform = new LeadPlatform();
        platform.With("Leads:Police", "nobody").With("Leads:FeedbackWorkingDays", "0").With("Leads:Submitters:0", "ghost");

        var error = Assert.ThrowsAny<Exception>(() => platform.CreateClient()).ToString();

        Assert.Contains("Leads:Police names 'nobody'", error, StringComparison.Ordinal);
        Assert.Contains("Leads:FeedbackWorkingDays is 0", error, StringComparison.Ordinal);
        Assert.Contains("Leads:Submitters names 'ghost'", error, StringComparison.Ordinal);
    }
}
