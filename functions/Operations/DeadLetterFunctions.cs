using System.Text.Json;
using Integration.Functions.Identity;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform;

namespace Integration.Functions.Operations;

/// <summary>Messages no consumer could process, with why, and a way to put one back once the cause is fixed.</summary>
public static class DeadLetterFunctions
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

    public static void Register(FunctionCatalogue functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Http("admin-dead-letters", HttpMethods.Get, "admin/dead-letters", List, b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations")
            .WithSummary("Dead-lettered messages per topic and subscription, with reason, delivery count and body"));
        functions.Http("admin-dead-letter-resubmit", HttpMethods.Post, "admin/dead-letters/{id}/resubmit", Resubmit, b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations")
            .WithSummary("Put a dead-lettered message back on its subscription"));
        functions.Http("admin-subscriptions", HttpMethods.Get, "admin/subscriptions", Counts, b => b.RequireAuthorization(RoleNames.Admin).WithTags("Operations")
            .WithSummary("Active, scheduled and dead-lettered message counts per subscription"));
    }

    private static async Task<Ok<DeadLetterResponse[]>> List(string? topic, string? subscription, TopicAdministration admin, CancellationToken cancellationToken)
    {
        var letters = await admin.ListDeadLettersAsync(topic, subscription, 500, cancellationToken);
        return TypedResults.Ok(letters.Select(d => new DeadLetterResponse(
            d.Id, d.Topic, d.Subscription, d.MessageId, d.Subject, d.Reason ?? "", d.Description, d.DeliveryCount, d.DeadLetteredAt, d.Properties, JsonText.ToElement(d.Body))).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Resubmit(long id, TopicAdministration admin, CancellationToken cancellationToken) =>
        await admin.ResubmitDeadLetterAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"There is no dead-lettered message {id}.");

    private static async Task<Ok<IReadOnlyList<SubscriptionCounts>>> Counts(TopicAdministration admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admin.GetSubscriptionCountsAsync(cancellationToken));
}
