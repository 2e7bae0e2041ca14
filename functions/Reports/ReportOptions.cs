using Integration.Domain.Reports;

namespace Integration.Functions.Reports;

public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>Departments whose on-time rate is below this are named in the report (通报).</summary>
    public decimal NamedBelowRate { get; set; } = 0.9m;

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
