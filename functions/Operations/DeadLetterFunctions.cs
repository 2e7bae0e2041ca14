using System.Globalization;
using System.Text.Json;
using Integration.Domain.Kernel;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;
using Integration.Functions.Platform.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Operations;

/// <summary>Messages no consumer could process, with why, and a way to put one back once the cause is fixed.</summary>
public sealed class DeadLetterFunctions(TopicAdministration admin)
{
    public sealed record DeadLetterResponse(
        long Id,
        string Topic,
        string Subscription,
        string MessageId,
        string Subject,
        string Reason,
        string? Description,
        int DeliveryCount,
        DateTimeOffset DeadLetteredAt,
        IReadOnlyDictionary<string, string> Properties,
        JsonElement Body);

    [Function("admin-dead-letters")]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Dead-lettered messages per topic and subscription, with reason, delivery count and body")]
    public async Task<Ok<DeadLetterResponse[]>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/dead-letters")] HttpRequest request, CancellationToken cancellationToken)
    {
        string? topic = request.Query["topic"], subscription = request.Query["subscription"];
        var letters = await admin.ListDeadLettersAsync(topic, subscription, 500, cancellationToken);
        return TypedResults.Ok(letters.Select(d => new DeadLetterResponse(
            d.Id, d.Topic, d.Subscription, d.MessageId, d.Subject, d.Reason ?? "", d.Description, d.DeliveryCount, d.DeadLetteredAt, d.Properties, JsonText.ToElement(d.Body))).ToArray());
    }

    [Function("admin-dead-letter-resubmit")]
    [NoBody]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Put a dead-lettered message back on its subscription")]
    public async Task<Results<NoContent, ProblemHttpResult>> Resubmit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/dead-letters/{id}/resubmit")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var letter) && await admin.ResubmitDeadLetterAsync(letter, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"There is no dead-lettered message {TextRules.Echo(id)}.");

    [Function("admin-subscriptions")]
    [Authorize(Policy = RoleNames.Admin)]
    [Tags("Operations")]
    [EndpointSummary("Active, scheduled and dead-lettered message counts per subscription")]
    public async Task<Ok<IReadOnlyList<SubscriptionCounts>>> Counts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/subscriptions")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admin.GetSubscriptionCountsAsync(cancellationToken));
}
