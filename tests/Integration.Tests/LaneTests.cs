using System.Reflection;

namespace Integration.Tests;

/// <summary>
/// Every test class belongs to exactly one lane, so that a filter on the lane trait selects it, and no test is left out of
/// every lane or run twice: unit (in memory, fast), integration (a platform, storage, a process or a loopback server),
/// browser (chromium through Playwright) and drill (crash drills that kill processes).
/// </summary>
[Trait("lane", "unit")]
public sealed class LaneTests
{
    private static readonly string[] Lanes = ["unit", "integration", "browser", "drill"];

    [Fact]
    public void Every_test_class_carries_exactly_one_known_lane()
    {
        var testClasses = typeof(LaneTests).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && HasTests(t)).ToArray();
        Assert.Contains(typeof(LaneTests), testClasses);
        Assert.Empty(testClasses.Select(Problem).OfType<string>());
    }

    [Fact]
    public void The_check_finds_a_test_class_without_a_lane_and_one_with_two()
    {
        Assert.Equal($"{typeof(WithoutLane).FullName} has no lane trait", Problem(typeof(WithoutLane)));
        Assert.Equal($"{typeof(WithTwoLanes).FullName} has 2 lane traits: drill, unit", Problem(typeof(WithTwoLanes)));
        Assert.Equal($"{typeof(WithUnknownLane).FullName} is in lane 'slow', not one of unit, integration, browser, drill", Problem(typeof(WithUnknownLane)));
        Assert.Null(Problem(typeof(LaneTests)));
    }

    private static bool HasTests(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Any(m => m.IsDefined(typeof(FactAttribute), inherit: true));

    private static string? Problem(Type type)
    {
        // Inherited too, because xUnit would see a lane on a base class as well.
        var lanes = type.GetCustomAttributes<TraitAttribute>(inherit: true).Where(t => t.Name == "lane").Select(t => t.Value).Order(StringComparer.Ordinal).ToArray();
        return lanes switch
        {
            [] => $"{type.FullName} has no lane trait",
            [var lane] when !Lanes.Contains(lane) => $"{type.FullName} is in lane '{lane}', not one of {string.Join(", ", Lanes)}",
            [_] => null,
            _ => $"{type.FullName} has {lanes.Length} lane traits: {string.Join(", ", lanes)}",
        };
    }

    // Abstract, so that xUnit does not run them: they only feed the check above.
    public abstract class WithoutLane
    {
        [Fact]
        public void A_test() { }
    }

    [Trait("lane", "unit")]
    [Trait("lane", "drill")]
    public abstract class WithTwoLanes
    {
        [Fact]
        public void A_test() { }
    }

    [Trait("lane", "slow")]
    public abstract class WithUnknownLane
    {
        [Fact]
        public void A_test() { }
    }
}
