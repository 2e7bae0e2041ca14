using Integration.Domain.Identifiers;

namespace Integration.Tests.Identifiers;

[Trait("lane", "unit")]
public sealed class IdentifierTests
{
    [Theory]
    [InlineData("914403001922038216")]
    [InlineData("9144030071526726XG")]
    [InlineData("91330100716105852F")]
    public void Published_credit_codes_pass_the_check(string code) => Assert.Null(CreditCode.Problem(code));

    [Theory]
    [InlineData("91350100M000100Y4Z", "should be '3'")]
    [InlineData("91350100M000100Y4", "has 17 characters")]
    [InlineData("9135010OM000100Y43", "'O' at position 8")]
    [InlineData("", "Required")]
    public void Bad_credit_codes_say_why(string code, string reason) =>
        Assert.Contains(reason, CreditCode.Problem(code), StringComparison.Ordinal);

    [Fact]
    public void The_corrected_check_character_passes() => Assert.True(CreditCode.IsValid("91350100M000100Y43"));

    [Theory]
    [InlineData("2026-371002-48-01-123456", null)]
    [InlineData("2026-371002-48-01-12345", "is not of the form")]
    [InlineData("2013-371002-48-01-123456", "began in 2014")]
    [InlineData("2027-371002-48-01-123456", "cannot be later than 2026")]
    [InlineData("2026-991002-48-01-123456", "province code")]
    public void Project_codes_are_checked_for_shape_year_and_division(string code, string? reason)
    {
        var problem = ProjectCode.Problem(code, 2026);
        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(reason, problem, StringComparison.Ordinal);
        }
    }
}
