namespace Integration.Functions.Platform;

/// <summary>Identity's Entra ID events (5xxx, see docs/operations.md).</summary>
public static partial class LogEvents
{
    [LoggerMessage(EventId = 5010, EventName = "EntraIdSignInRefused", Level = LogLevel.Warning,
        Message = "A console sign-in with Entra ID was refused: {Reason}")]
    public static partial void EntraIdSignInRefused(this ILogger logger, string reason);
}
