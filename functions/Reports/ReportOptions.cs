using Integration.Domain.Reports;

namespace Integration.Functions.Reports;

public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>Departments whose on-time rate is below this are named in the report (通报).</summary>
    public decimal NamedBelowRate { get; set; } = 0.9m;

    /// <summary>Working days each department has to acknowledge a report, counted from the day it was generated.</summary>
    public int AckWorkingDays { get; set; } = 3;

    /// <summary><c>quarter</c>, <c>half-year</c> or <c>two-month</c>.</summary>
    public string Period { get; set; } = "quarter";

    public ReportCadence Cadence => Period switch
    {
        "half-year" => ReportCadence.HalfYear,
        "two-month" => ReportCadence.TwoMonth,
        _ => ReportCadence.Quarter,
    };

    public static readonly IReadOnlyList<string> Periods = ["quarter", "half-year", "two-month"];
}
