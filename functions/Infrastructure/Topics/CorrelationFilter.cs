using Integration.Domain.Messaging;

namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// A Service Bus correlation filter: every listed value must equal the message's (ordinal comparison);
/// values left out are not checked.
/// </summary>
public sealed record CorrelationFilter
{
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public string? Subject { get; init; }

    public string? CorrelationId { get; init; }

    public static CorrelationFilter Property(string name, string value) =>
        new() { Properties = new Dictionary<string, string> { [name] = value } };

    public bool Matches(TopicMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Subject is not null && !string.Equals(Subject, message.Subject, StringComparison.Ordinal))
        {
            return false;
        }

        if (CorrelationId is not null && !string.Equals(CorrelationId, message.CorrelationId, StringComparison.Ordinal))
        {
            return false;
        }

        return Properties.All(expected =>
            message.ApplicationProperties.TryGetValue(expected.Key, out var actual)
            && string.Equals(expected.Value, actual, StringComparison.Ordinal));
    }
}
