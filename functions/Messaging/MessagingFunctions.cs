using System.Text.Json;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Messaging;

/// <summary>
/// Other systems read their own subscriptions over HTTP, as Service Bus's REST API offers: receive the head of the
/// subscription under a peek-lock, then complete it (DELETE) or abandon it (PUT) with the lock token.
/// </summary>
public sealed class MessagingFunctions(SubscriptionInbox inbox)
{
    private const string Subscription = "topics/{topic}/subscriptions/{subscription}/messages";

    /// <summary>
    /// The received message. <c>lockToken</c> and <c>lockedUntil</c> are the caller's lock; for an operator's peek
    /// <c>peekOnly</c> is true, <c>lockToken</c> is null and <c>lockedUntil</c> tells whether a receiver holds it.
    /// </summary>
    public sealed record InboxMessage(
        string Topic,
        string Subscription,
        string MessageId,
        string Subject,
        string ContentType,
        string? CorrelationId,
        long SequenceNumber,
        int DeliveryCount,
        string? LockToken,
        DateTimeOffset? LockedUntil,
        DateTimeOffset EnqueuedAt,
        bool PeekOnly,
        IReadOnlyDictionary<string, string> ApplicationProperties,
        JsonElement Body);

    [Function("subscription-receive")]
    [NoBody]
    [Authorize]
    [Tags("Messaging")]
    [EndpointSummary("Receive the next message of the caller's own subscription under a peek-lock (204 when empty; an operator peeks any subscription without a lock)")]
    public async Task<Results<Ok<InboxMessage>, NoContent, ProblemHttpResult>> Receive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Subscription + "/head")] HttpRequest request, string topic, string subscription, CancellationToken cancellationToken) =>
        ToHttp(await inbox.ReceiveAsync(Caller.Of(request).Principal, topic, subscription, cancellationToken));

    [Function("subscription-complete")]
    [Authorize]
    [Tags("Messaging")]
    [EndpointSummary("Complete a received message: it leaves the subscription")]
    public async Task<Results<Ok<InboxMessage>, NoContent, ProblemHttpResult>> Complete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Subscription + "/{messageId}/{lockToken}")] HttpRequest request,
        string topic, string subscription, string messageId, string lockToken, CancellationToken cancellationToken) =>
        ToHttp(await inbox.CompleteAsync(Caller.Of(request).Principal, topic, subscription, messageId, lockToken, cancellationToken));

    [Function("subscription-abandon")]
    [NoBody]
    [Authorize]
    [Tags("Messaging")]
    [EndpointSummary("Abandon a received message: it is delivered again, its delivery count kept")]
    public async Task<Results<Ok<InboxMessage>, NoContent, ProblemHttpResult>> Abandon(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Subscription + "/{messageId}/{lockToken}")] HttpRequest request,
        string topic, string subscription, string messageId, string lockToken, CancellationToken cancellationToken) =>
        ToHttp(await inbox.AbandonAsync(Caller.Of(request).Principal, topic, subscription, messageId, lockToken, cancellationToken));

    private static Results<Ok<InboxMessage>, NoContent, ProblemHttpResult> ToHttp(InboxOutcome outcome) => outcome switch
    {
        InboxOutcome.Delivered { Locked: { } locked } => TypedResults.Ok(ToResponse(locked)),
        InboxOutcome.Delivered { Peeked: { } peeked } => TypedResults.Ok(ToResponse(peeked)),
        InboxOutcome.Empty or InboxOutcome.Settled => TypedResults.NoContent(),
        InboxOutcome.Denied denied => Problems.Forbidden(denied.Detail),
        InboxOutcome.Unknown unknown => Problems.NotFound(unknown.Detail),
        InboxOutcome.Invalid invalid => Problems.Validation(invalid.Errors),
        InboxOutcome.LockLost lost => TypedResults.Problem(lost.Detail, statusCode: StatusCodes.Status410Gone, title: "Lock lost"),
        InboxOutcome.OnServiceBus onServiceBus => TypedResults.Problem(
            onServiceBus.Detail, statusCode: StatusCodes.Status404NotFound, title: "Read this subscription on Service Bus",
            extensions: new Dictionary<string, object?> { ["serviceBusNamespace"] = onServiceBus.Namespace, ["entityPath"] = onServiceBus.EntityPath }),
        _ => throw new InvalidOperationException($"Unhandled inbox outcome {outcome.GetType().Name}."),
    };

    private static InboxMessage ToResponse(ReceivedMessage received) => new(
        received.Topic, received.Subscription, received.Message.MessageId, received.Message.Subject, received.Message.ContentType, received.Message.CorrelationId,
        received.SequenceNumber, received.DeliveryCount, received.LockToken.ToString(), received.LockedUntil, received.EnqueuedAt, PeekOnly: false,
        received.Message.ApplicationProperties, JsonText.ToElement(received.Message.Body));

    private static InboxMessage ToResponse(PeekedMessage peeked) => new(
        peeked.Topic, peeked.Subscription, peeked.Message.MessageId, peeked.Message.Subject, peeked.Message.ContentType, peeked.Message.CorrelationId,
        peeked.SequenceNumber, peeked.DeliveryCount, LockToken: null, peeked.LockedUntil, peeked.EnqueuedAt, PeekOnly: true,
        peeked.Message.ApplicationProperties, JsonText.ToElement(peeked.Message.Body));
}
