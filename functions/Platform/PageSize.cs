using System.Globalization;
using Integration.Domain.Kernel;

namespace Integration.Functions.Platform;

/// <summary>The one way a listing reads its <c>pageSize</c> query value: absent means <see cref="Default"/>, anything but 1 to the listing's maximum is a field error.</summary>
public static class PageSize
{
    public const int Default = 50;

    /// <summary>The largest page a record listing (approvals, leads, quarantine) serves.</summary>
    public const int Max = 200;

    public static int Read(string? value, FieldErrors errors, int max = Max)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            return Math.Min(Default, max);
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > max)
        {
            errors.Add("pageSize", $"{TextRules.Echo(value)} is not a whole number from 1 to {max}.");
        }

        return size;
    }
}
