using Azure.Messaging.ServiceBus;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.ServiceBus;

namespace Integration.Tests.Infrastructure.ServiceBus;

/// <summary>
/// The mapping from platform messages to <see cref="ServiceBusMessage"/> and the batching of the publisher, against a
/// recording stand-in for the namespace (no Service Bus broker or emulator runs here).
/// </summary>
[Trait("lane", "unit")]
public sealed class ServiceBusPublisherTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static TopicMessage Message(string id, string body = """{"approvalId":"A-1"}""") => new()
    {
        MessageId = id,
        Subject = "approval.pushed",
        Body = body,
        ApplicationProperties = new Dictionary<string, string> { ["department"] = "housing" },
    };

    [Fact]
    public void Every_field_of_a_platform_message_is_carried_over()
    {
        var scheduled = new DateTimeOffset(2026, 2, 24, 16, 0, 0, TimeSpan.Zero);
        var message = new TopicMessage
        {
            MessageId = "approval|WH-0001:3:1",
            Subject = "approval.claim-reminder",
            Body = """{"approvalId":"WH-0001","to":"housing"}""",
            ContentType = "application/json",
            CorrelationId = "approval|WH-0001",
            ApplicationProperties = new Dictionary<string, string> { ["department"] = "housing", ["approvalId"] = "WH-0001" },
            ScheduledEnqueueTime = scheduled,
            TimeToLive = TimeSpan.FromDays(30),
        };

        var mapped = ServiceBusMessages.ToServiceBusMessage(message);

        Assert.Equal("approval|WH-0001:3:1", mapped.MessageId);
        Assert.Equal("approval.claim-reminder", mapped.Subject);
        Assert.Equal("application/json", mapped.ContentType);
        Assert.Equal("approval|WH-0001", mapped.CorrelationId);
        Assert.Equal(message.Body, mapped.Body.ToString());
        Assert.Equal(new Dictionary<string, object> { ["department"] = "housing", ["approvalId"] = "WH-0001" }, mapped.ApplicationProperties);
        Assert.Equal(scheduled, mapped.ScheduledEnqueueTime);
        Assert.Equal(TimeSpan.FromDays(30), mapped.TimeToLive);
    }

    [Fact]
    public void A_message_sent_now_without_a_time_to_live_leaves_both_to_Service_Bus()
    {
        var mapped = ServiceBusMessages.ToServiceBusMessage(Message("m-1"));

        Assert.Equal(default, mapped.ScheduledEnqueueTime);
        Assert.Equal(TimeSpan.MaxValue, mapped.TimeToLive);
        Assert.Null(mapped.CorrelationId);
    }

    [Fact]
    public async Task Messages_go_in_as_few_batches_as_fit_in_order_through_one_sender_per_topic()
    {
        await using var bus = new RecordingServiceBusClient { MessagesPerBatch = 2 };
        var publisher = new ServiceBusTopicPublisher(bus);

        await publisher.PublishBatchAsync("approvals", Enumerable.Range(1, 5).Select(i => Message($"m-{i}")).ToArray(), Cancellation);
        await publisher.PublishAsync("approvals", Message("m-6"), Cancellation);
        await publisher.PublishAsync("leads", Message("l-1"), Cancellation);

        Assert.Equal(
            [["m-1", "m-2"], ["m-3", "m-4"], ["m-5"], ["m-6"]],
            bus.Sent.Where(s => s.Topic == "approvals").Select(s => s.Batch.Select(m => m.MessageId).ToArray()).ToArray());
        Assert.Equal(["approvals", "leads"], bus.SendersCreated.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_empty_list_sends_nothing()
    {
        await using var bus = new RecordingServiceBusClient();

        await new ServiceBusTopicPublisher(bus).PublishBatchAsync("approvals", [], Cancellation);

        Assert.Empty(bus.Sent);
    }

    [Fact]
    public async Task A_message_too_large_for_a_batch_of_its_own_is_a_clear_error_naming_it()
    {
        await using var bus = new RecordingServiceBusClient { MaxBodyBytes = 100 };
        var publisher = new ServiceBusTopicPublisher(bus);
        var huge = Message("approval|WH-0002:1:0", $$"""{"text":"{{new string('x', 500)}}"}""");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishBatchAsync("approvals", [Message("m-1"), huge, Message("m-3")], Cancellation));

        Assert.Contains("'approval|WH-0002:1:0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'approvals'", error.Message, StringComparison.Ordinal);
        Assert.Contains("claim check", error.Message, StringComparison.Ordinal);

        // What fitted before it was sent; the outbox keeps all three and duplicate detection absorbs the resend.
        Assert.Equal(["m-1"], bus.SentTo("approvals").Select(m => m.MessageId));
    }
}
