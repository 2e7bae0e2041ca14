namespace Integration.Tests.Enforcement.Plans;

[Trait("lane", "integration")]
public sealed class PlanOptionsTests
{
    [Fact]
    public void A_misconfigured_plan_flow_stops_start_up_naming_each_setting()
    {
        using var platform = new PlanPlatform();
        platform.With("Enforcement:ConsultationWorkingDays", "0").With("Enforcement:PublishWithinWorkingDays", "61");

        var error = Assert.ThrowsAny<Exception>(() => platform.CreateClient()).ToString();

        Assert.Contains("Enforcement:ConsultationWorkingDays is 0", error, StringComparison.Ordinal);
        Assert.Contains("Enforcement:PublishWithinWorkingDays is 61", error, StringComparison.Ordinal);
    }
}
