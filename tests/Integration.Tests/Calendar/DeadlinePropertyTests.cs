using FsCheck;
using FsCheck.Fluent;
using Integration.Tests.Support;

namespace Integration.Tests.Calendar;

/// <summary>Properties of the deadline over every start day from 2023 to 2028 and N up to a year.</summary>
[Trait("lane", "unit")]
public sealed class DeadlinePropertyTests
{
    private static readonly DateOnly First = new(2023, 1, 1);
    private static readonly Gen<DateOnly> Days = Gen.Choose(0, 6 * 366).Select(First.AddDays);
    private static readonly Gen<int> Counts = Gen.Choose(1, 365);
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(500);

    [Fact]
    public void The_deadline_is_a_working_day() =>
        Prop.ForAll(Days.ToArbitrary(), Counts.ToArbitrary(), (from, n) =>
            TestCalendar.Instance.IsWorkingDay(TestCalendar.Instance.AddWorkingDays(from, n).Deadline))
        .Check(Config);

    [Fact]
    public void Exactly_n_working_days_lie_after_the_start_up_to_the_deadline() =>
        Prop.ForAll(Days.ToArbitrary(), Counts.ToArbitrary(), (from, n) =>
        {
            var deadline = TestCalendar.Instance.AddWorkingDays(from, n).Deadline;
            return deadline > from && TestCalendar.Instance.WorkingDaysBetween(from, deadline) == n;
        })
        .Check(Config);

    [Fact]
    public void The_deadline_never_moves_earlier_when_the_start_grows() =>
        Prop.ForAll(Days.ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), Counts.ToArbitrary(), (from, later, n) =>
            TestCalendar.Instance.AddWorkingDays(from, n).Deadline <= TestCalendar.Instance.AddWorkingDays(from.AddDays(later), n).Deadline)
        .Check(Config);

    [Fact]
    public void The_deadline_never_moves_earlier_when_n_grows() =>
        Prop.ForAll(Days.ToArbitrary(), Counts.ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), (from, n, more) =>
            TestCalendar.Instance.AddWorkingDays(from, n).Deadline < TestCalendar.Instance.AddWorkingDays(from, n + more).Deadline)
        .Check(Config);

    [Fact]
    public void The_deadline_is_due_at_the_first_instant_after_its_day_in_China() =>
        Prop.ForAll(Days.ToArbitrary(), Counts.ToArbitrary(), (from, n) =>
        {
            var d = TestCalendar.Instance.AddWorkingDays(from, n);
            return d.DueAt.Offset == TimeSpan.FromHours(8) && DateOnly.FromDateTime(d.DueAt.DateTime) == d.Deadline.AddDays(1) && d.DueAt.TimeOfDay == TimeSpan.Zero;
        })
        .Check(Config);
}
