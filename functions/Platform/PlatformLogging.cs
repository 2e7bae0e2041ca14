namespace Integration.Functions.Platform;

public static class PlatformLogging
{
    /// <summary>
    /// Console logs: in Development one readable line per event for a person at a terminal; elsewhere
    /// JSON lines with scopes and UTC timestamps for the log collector.
    /// </summary>
    public static ILoggingBuilder AddPlatformConsole(this ILoggingBuilder logging, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        logging.ClearProviders();
        if (environment.IsDevelopment())
        {
            return logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        return logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }
}
