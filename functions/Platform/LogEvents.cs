namespace Integration.Functions.Platform;

/// <summary>
/// The log events operators alert on, with ids that never change (listed in docs/operations.md).
/// Source-generated, so a disabled level costs nothing and every line carries its fields by name.
/// Ids: 1xxx requests and the server, 2xxx the approval connector, 3xxx durable records,
/// 4xxx the topic bus, 5xxx identity.
/// </summary>
public static partial class LogEvents
{
    [LoggerMessage(EventId = 1000, EventName = "RequestCompleted", Level = LogLevel.Information,
        Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    public static partial void RequestCompleted(this ILogger logger, string method, string? path, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 1001, EventName = "RequestFailed", Level = LogLevel.Error,
        Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    public static partial void RequestFailed(this ILogger logger, string method, string? path, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 1002, EventName = "RequestRefusedByServer", Level = LogLevel.Information,
        Message = "The server refused a request on connection {ConnectionId} with {StatusCode} before the app saw it")]
    public static partial void RequestRefusedByServer(this ILogger logger, string connectionId, int statusCode);

    [LoggerMessage(EventId = 2001, EventName = "CircuitOpened", Level = LogLevel.Error,
        Message = "Approval system circuit opened for {Duration} after {Outcome}")]
    public static partial void CircuitOpened(this ILogger logger, TimeSpan duration, string outcome);

    [LoggerMessage(EventId = 2002, EventName = "RecordQuarantined", Level = LogLevel.Warning,
        Message = "Approval {ApprovalId} from the feed quarantined: {Fields}")]
    public static partial void RecordQuarantined(this ILogger logger, string approvalId, string fields);

    [LoggerMessage(EventId = 3001, EventName = "DeadlineFired", Level = LogLevel.Information,
        Message = "Deadline {Deadline} of {Record} fired: {Action}")]
    public static partial void DeadlineFired(this ILogger logger, string record, string deadline, string action);

    [LoggerMessage(EventId = 3002, EventName = "OutboxRetry", Level = LogLevel.Warning,
        Message = "Publishing {Count} outbox rows of {Partition} failed; the sweep will retry")]
    public static partial void OutboxRetry(this ILogger logger, Exception exception, int count, string? partition);

    [LoggerMessage(EventId = 3010, EventName = "ArtefactCorrupt", Level = LogLevel.Error,
        Message = "The stored artefact {Sha256} ({Document}) hashes to {Actual}: not served to {Path}; restore it from a backup")]
    public static partial void ArtefactCorrupt(this ILogger logger, Exception exception, string document, string sha256, string actual, string? path);

    [LoggerMessage(EventId = 4001, EventName = "MessageDeadLettered", Level = LogLevel.Warning,
        Message = "Message {MessageId} on {Topic}/{Subscription} dead-lettered ({Reason}) after {DeliveryCount} deliveries")]
    public static partial void MessageDeadLettered(this ILogger logger, string messageId, string topic, string subscription, string reason, int deliveryCount);

    [LoggerMessage(EventId = 5001, EventName = "NoApiKeys", Level = LogLevel.Warning,
        Message = "No API keys are configured (Identity:ApiKeys) and development keys are off in {Environment}: every request that needs a key is refused with 401")]
    public static partial void NoApiKeys(this ILogger logger, string environment);

    [LoggerMessage(EventId = 5002, EventName = "DevelopmentKeysIgnored", Level = LogLevel.Warning,
        Message = "Identity:DevelopmentKeys is set, but the environment is {Environment}: development keys are refused outside Development")]
    public static partial void DevelopmentKeysIgnored(this ILogger logger, string environment);
}
