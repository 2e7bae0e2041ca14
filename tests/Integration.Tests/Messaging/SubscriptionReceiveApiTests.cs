using System.Net;
using System.Text.Json;
using Integration.Functions.Approvals;
using Integration.Tests.Support;
using static Integration.Tests.Approvals.ApprovalData;

namespace Integration.Tests.Messaging;

/// <summary>Other systems read their own subscriptions of the embedded bus over HTTP: peek-lock, complete, abandon.</summary>
[Trait("lane", "integration")]
public sealed class SubscriptionReceiveApiTests
{
    private const string HousingInbox = "/api/topics/approvals/subscriptions/housing/messages";

    private static readonly DateTimeOffset Start = new(2026, 2, 11, 2, 0, 0, TimeSpan.Zero);

    private static PlatformFactory Platform(out ManualTimeProvider clock)
    {
        clock = new ManualTimeProvider(Start);
        return new PlatformFactory().WithTime(clock);
    }

    private static async Task<HttpResponseMessage> ReceiveAsync(PlatformFactory platform, string principal, string inbox = HousingInbox) =>
        await platform.ClientFor(principal).PostAsync($"{inbox}/head", null, Cancellation);

    private static string LockPath(JsonElement message, string inbox = HousingInbox) =>
        $"{inbox}/{Uri.EscapeDataString(message.GetProperty("messageId").GetString()!)}/{message.GetProperty("lockToken").GetString()}";

    private static async Task<string> PushAsync(PlatformFactory platform)
    {
        var id = NewId();
        await (await platform.PushAsync(Valid(id))).ReadJsonAsync(HttpStatusCode.Created);
        return id;
    }

    [Fact]
    public async Task Housing_receives_the_pushed_approval_from_its_subscription_completes_it_and_nothing_is_left()
    {
        await using var platform = Platform(out _);
        var id = await PushAsync(platform);

        var message = await (await ReceiveAsync(platform, "housing")).ReadJsonAsync();
        Assert.Equal(ApprovalMessages.Pushed, message.GetProperty("subject").GetString());
        Assert.StartsWith($"approval|{id}:", message.GetProperty("messageId").GetString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(message.GetProperty("lockToken").GetString(), out _));
        Assert.Equal(1, message.GetProperty("deliveryCount").GetInt32());
        Assert.False(message.GetProperty("peekOnly").GetBoolean());
        Assert.Equal("housing", message.GetProperty("applicationProperties").GetProperty("department").GetString());
        Assert.Equal(id, message.GetProperty("applicationProperties").GetProperty("approvalId").GetString());
        Assert.Equal(Start, message.GetProperty("enqueuedAt").GetDateTimeOffset());
        Assert.Equal(Start.AddSeconds(60), message.GetProperty("lockedUntil").GetDateTimeOffset());
        Assert.Equal(id, message.GetProperty("body").GetProperty("approvalId").GetString());
        Assert.Equal("housing", message.GetProperty("body").GetProperty("to").GetString());

        var client = platform.ClientFor("housing");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(LockPath(message), Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ReceiveAsync(platform, "housing")).StatusCode);
        await (await client.DeleteAsync(LockPath(message), Cancellation)).ReadProblemAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task The_approval_system_reads_the_feedback_subscription_named_after_it()
    {
        await using var platform = Platform(out _);
        var id = await PushAsync(platform);

        var message = await (await ReceiveAsync(platform, "approval-system", "/api/topics/approval-feedback/subscriptions/approval-system/messages")).ReadJsonAsync();

        Assert.Equal(ApprovalMessages.Routed, message.GetProperty("subject").GetString());
        Assert.Equal(id, message.GetProperty("applicationProperties").GetProperty("approvalId").GetString());
    }

    [Fact]
    public async Task An_abandoned_message_is_delivered_again_with_delivery_count_2_and_a_new_lock()
    {
        await using var platform = Platform(out _);
        await PushAsync(platform);
        var first = await (await ReceiveAsync(platform, "housing")).ReadJsonAsync();

        var abandon = await platform.ClientFor("housing").PutAsync(LockPath(first), null, Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, abandon.StatusCode);

        var again = await (await ReceiveAsync(platform, "housing")).ReadJsonAsync();
        Assert.Equal(first.GetProperty("messageId").GetString(), again.GetProperty("messageId").GetString());
        Assert.Equal(2, again.GetProperty("deliveryCount").GetInt32());
        Assert.NotEqual(first.GetProperty("lockToken").GetString(), again.GetProperty("lockToken").GetString());
        await (await platform.ClientFor("housing").PutAsync(LockPath(first), null, Cancellation)).ReadProblemAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Another_department_or_system_may_neither_receive_nor_settle_housings_messages()
    {
        await using var platform = Platform(out _);
        await PushAsync(platform);

        await (await ReceiveAsync(platform, "transport")).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await ReceiveAsync(platform, "trading-center")).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await ReceiveAsync(platform, "ndrc")).ReadProblemAsync(HttpStatusCode.Forbidden);
        var message = await (await ReceiveAsync(platform, "housing")).ReadJsonAsync();
        await (await platform.ClientFor("transport").DeleteAsync(LockPath(message), Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await platform.ClientFor("transport").PutAsync(LockPath(message), null, Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);

        // Transport's refused attempts left housing's lock in place: housing still completes it.
        Assert.Equal(HttpStatusCode.NoContent, (await platform.ClientFor("housing").DeleteAsync(LockPath(message), Cancellation)).StatusCode);
    }

    [Fact]
    public async Task A_lock_token_names_one_subscription_so_it_settles_nothing_through_another()
    {
        await using var platform = Platform(out _);
        await PushAsync(platform);
        var routed = await (await ReceiveAsync(platform, "approval-system", "/api/topics/approval-feedback/subscriptions/approval-system/messages")).ReadJsonAsync();

        // The approval system names its lock under the wrong topic's subscription of the same name: nothing matches.
        var wrongPath = $"/api/topics/lead-feedback/subscriptions/approval-system/messages/{Uri.EscapeDataString(routed.GetProperty("messageId").GetString()!)}/{routed.GetProperty("lockToken").GetString()}";
        await (await platform.ClientFor("approval-system").DeleteAsync(wrongPath, Cancellation)).ReadProblemAsync(HttpStatusCode.Gone);
        Assert.Equal(HttpStatusCode.NoContent,
            (await platform.ClientFor("approval-system").DeleteAsync(LockPath(routed, "/api/topics/approval-feedback/subscriptions/approval-system/messages"), Cancellation)).StatusCode);
    }

    [Fact]
    public async Task The_operator_peeks_any_subscription_without_taking_the_lock_and_settles_nothing()
    {
        await using var platform = Platform(out _);
        var id = await PushAsync(platform);

        var peeked = await (await ReceiveAsync(platform, "admin")).ReadJsonAsync();
        Assert.True(peeked.GetProperty("peekOnly").GetBoolean());
        Assert.Equal(JsonValueKind.Null, peeked.GetProperty("lockToken").ValueKind);
        Assert.Equal(JsonValueKind.Null, peeked.GetProperty("lockedUntil").ValueKind);
        Assert.Equal(0, peeked.GetProperty("deliveryCount").GetInt32());
        Assert.Equal(id, peeked.GetProperty("body").GetProperty("approvalId").GetString());

        // The peek neither delayed nor counted housing's delivery.
        var received = await (await ReceiveAsync(platform, "housing")).ReadJsonAsync();
        Assert.Equal(peeked.GetProperty("messageId").GetString(), received.GetProperty("messageId").GetString());
        Assert.Equal(1, received.GetProperty("deliveryCount").GetInt32());

        var whileLocked = await (await ReceiveAsync(platform, "admin")).ReadJsonAsync();
        Assert.Equal(received.GetProperty("lockedUntil").GetDateTimeOffset(), whileLocked.GetProperty("lockedUntil").GetDateTimeOffset());
        await (await platform.ClientFor("admin").DeleteAsync(LockPath(received), Cancellation)).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await platform.ClientFor("housing").DeleteAsync(LockPath(received), Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ReceiveAsync(platform, "admin")).StatusCode);
    }

    [Fact]
    public async Task After_the_lock_expires_the_token_is_refused_and_the_message_comes_again()
    {
        await using var platform = Platform(out var clock);
        await PushAsync(platform);
        var first = await (await ReceiveAsync(platform, "housing")).ReadJsonAsync();

        clock.Advance(TimeSpan.FromSeconds(61));

        var problem = await (await platform.ClientFor("housing").DeleteAsync(LockPath(first), Cancellation)).ReadProblemAsync(HttpStatusCode.Gone);
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var again = await (await ReceiveAsync(platform, "housing")).ReadJsonAsync();
        Assert.Equal(first.GetProperty("messageId").GetString(), again.GetProperty("messageId").GetString());
        Assert.Equal(2, again.GetProperty("deliveryCount").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await platform.ClientFor("housing").DeleteAsync(LockPath(again), Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Unknown_topics_and_subscriptions_are_404_and_malformed_ids_are_400_or_410_never_500()
    {
        await using var platform = Platform(out _);
        var housing = platform.ClientFor("housing");

        await (await ReceiveAsync(platform, "housing", "/api/topics/nope/subscriptions/housing/messages")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await ReceiveAsync(platform, "housing", "/api/topics/approvals/subscriptions/nobody/messages")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await ReceiveAsync(platform, "admin", "/api/topics/approvals/subscriptions/nobody/messages")).ReadProblemAsync(HttpStatusCode.NotFound);

        var invalid = await (await housing.DeleteAsync($"{HousingInbox}/some-message/not-a-guid", Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["lockToken"], invalid.ErrorFields());
        var both = await (await housing.PutAsync($"{HousingInbox}/{new string('m', 129)}/not-a-guid", null, Cancellation)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["lockToken", "messageId"], both.ErrorFields());
        await (await housing.DeleteAsync($"{HousingInbox}/{Uri.EscapeDataString("x' OR 1=1 --|%")}/{Guid.NewGuid()}", Cancellation)).ReadProblemAsync(HttpStatusCode.Gone);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CreateClient().PostAsync($"{HousingInbox}/head", null, Cancellation)).StatusCode);
    }
}
