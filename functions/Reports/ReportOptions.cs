using System.ComponentModel.DataAnnotations;
using Integration.Domain.Reports;

namespace Integration.Functions.Reports;

public sealed class ReportOptions
{
    public const string Section = "Reports";

    private const string Key = Section + ":";

    /// <summary>Departments whose on-time rate is below this are named in the report (通报).</summary>
    [Range(typeof(decimal), "0", "1", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(NamedBelowRate) + " must be from {1} to {2}.")]
    public decimal NamedBelowRate { get; set; } = 0.9m;

    /// <summary>Working days each department has to acknowledge a report, counted from the day it was generated.</summary>
    [Range(1, 60, ErrorMessage = Key + nameof(AckWorkingDays) + " must be from {1} to {2}.")]
    public int AckWorkingDays { get; set; } = 3;

    /// <summary>
    /// How long after a version is asked for its run is checked: a run not published by then is started again (lost with
    /// a killed process or its task hub), or made in place when its orchestration has not moved for this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = Key + nameof(RunCheckAfter) + " must be from {1} to {2}.")]
    public TimeSpan RunCheckAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary><c>quarter</c>, <c>half-year</c> or <c>two-month</c>.</summary>
    [AllowedValues("quarter", "half-year", "two-month", ErrorMessage = Key + nameof(Period) + " must be one of: quarter, half-year, two-month.")]
    public string Period { get; set; } = "quarter";

    public ReportCadence Cadence => Period switch
    {
        "half-year" => ReportCadence.HalfYear,
        "two-month" => ReportCadence.TwoMonth,
        _ => ReportCadence.Quarter,
    };

    public static readonly IReadOnlyList<string> Periods = ["quarter", "half-year", "two-month"];
}
