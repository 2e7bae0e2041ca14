using System.Net;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Approvals;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Durable;

[Trait("lane", "integration")]
public sealed class DeadLetterApiTests(DeadLetterApiTests.Platform platform) : IClassFixture<DeadLetterApiTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_its_reader_keeps_abandoning_is_dead_lettered_listed_and_resubmittable()
    {
        // The approval system reads its subscription and gives up on this message every time.
        var bus = platform.Services.GetRequiredService<ITopicPublisher>();
        var receiver = platform.Services.GetRequiredService<SqliteTopicReceiver>();
        var id = Guid.NewGuid().ToString("N");
        await bus.PublishAsync(ApprovalMessages.Feedback, new TopicMessage
        {
            MessageId = id,
            Subject = "nobody.handles-this",
            Body = $$"""{"record":"test|{{id}}","action":"nobody.handles-this"}""",
        }, Ct);
        for (var delivery = 0; delivery < 20; delivery++)
        {
            var received = await receiver.ReceiveAsync(ApprovalMessages.Feedback, ApprovalMessages.FeedbackSubscription, 1, Ct);
            if (received.Count == 0)
            {
                break;
            }

            await receiver.AbandonAsync(received[0].LockToken, Ct);
        }

        var admin = platform.ClientFor("admin");
        System.Text.Json.JsonElement letter = default;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var list = await (await admin.GetAsync($"/api/operations/dead-letters?topic={ApprovalMessages.Feedback}", Ct)).ReadJsonAsync();
                letter = list.EnumerateArray().FirstOrDefault(l => l.GetProperty("messageId").GetString() == id);
                return letter.ValueKind != System.Text.Json.JsonValueKind.Undefined;
            },
            Eventually.Patience,
            $"{id} is a dead letter",
            Ct);
        Assert.Equal(SqliteTopicReceiver.MaxDeliveryCountExceeded, letter.GetProperty("reason").GetString());
        Assert.Equal(ApprovalMessages.FeedbackSubscription, letter.GetProperty("subscription").GetString());
        Assert.Equal(10, letter.GetProperty("deliveryCount").GetInt32());
        Assert.Equal("nobody.handles-this", letter.GetProperty("body").GetProperty("action").GetString());

        var resubmit = await admin.PostAsync($"/api/operations/dead-letters/{letter.GetProperty("id").GetInt64()}/resubmit", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, resubmit.StatusCode);
    }

    [Fact]
    public async Task Resubmitting_an_unknown_dead_letter_is_a_404() =>
        await (await platform.ClientFor("admin").PostAsync("/api/operations/dead-letters/999999/resubmit", null, Ct)).ReadProblemAsync(HttpStatusCode.NotFound);

    [Fact]
    public async Task Dead_letters_are_for_admins_only() =>
        await (await platform.ClientFor("ndrc").GetAsync("/api/operations/dead-letters", Ct)).ReadProblemAsync(HttpStatusCode.Forbidden);
}
