using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Identifiers;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Topics;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Approvals;

/// <summary>Approval records as the approval system sends them, and helpers to look at what the platform did with them.</summary>
internal static class ApprovalData
{
    private static int sequence;

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static string NewId(string prefix = "T") => $"{prefix}-{Interlocked.Increment(ref sequence):D5}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A valid approval of a Weihai housing project, openly tendered through an agency.</summary>
    public static JsonObject Valid(string? approvalId = null, int version = 1, string industry = "housing-construction", params string[] scope)
    {
        var id = approvalId ?? NewId();
        return new()
        {
            ["approvalId"] = id,
            ["version"] = version,
            ["projectCode"] = ProjectCodeOf(id),
        ["projectName"] = "环翠区孙家疃街道城市更新改造项目",
        ["regionCode"] = "371002",
        ["industry"] = industry,
        ["approvalKind"] = "approval",
        ["approvedAt"] = "2026-02-10T09:30:00+08:00",
        ["authority"] = "威海市环翠区行政审批服务局",
        ["owner"] = new JsonObject { ["name"] = "威海市环翠区城市建设投资有限公司", ["creditCode"] = CreditCode.Complete("91371002MA3C4L7R2") },
        ["investment"] = 486_000_000,
        ["tendering"] = new JsonObject
        {
            ["scope"] = new JsonArray((scope.Length == 0 ? ["construction", "supervision"] : scope).Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            ["method"] = "open",
            ["organization"] = "agency",
        },
        };
    }

    /// <summary>Each approval of the tests is its own project, with a code that depends only on the approval's id.</summary>
    public static string ProjectCodeOf(string approvalId)
    {
        ArgumentNullException.ThrowIfNull(approvalId);
        var serial = approvalId.Aggregate(17, (h, c) => unchecked((h * 31) + c)) & 0x7fffffff;
        return $"2026-371002-48-01-{serial % 1_000_000:D6}";
    }

    /// <summary>An exempt project: no scope, no organisation form, an exempt reason.</summary>
    public static JsonObject Exempt(string? approvalId = null)
    {
        var item = Valid(approvalId);
        item["tendering"] = new JsonObject
        {
            ["scope"] = new JsonArray(),
            ["method"] = "exempt",
            ["exemptReason"] = "属于抢险救灾，依据《中华人民共和国招标投标法》第六十六条可以不进行招标",
        };
        return item;
    }

    public static JsonObject With(this JsonObject item, string name, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(item);
        item[name] = value;
        return item;
    }

    public static async Task<HttpResponseMessage> PushAsync(this PlatformFactory platform, JsonObject approval, string principal = "approval-system")
    {
        ArgumentNullException.ThrowIfNull(platform);
        return await platform.ClientFor(principal).PostAsJsonAsync("/api/approvals", approval, Cancellation);
    }

    public static async Task<HttpResponseMessage> PostAsync(this PlatformFactory platform, string principal, string path, object? body = null)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var client = platform.ClientFor(principal);
        return body is null ? await client.PostAsync(path, null, Cancellation) : await client.PostAsJsonAsync(path, body, Cancellation);
    }

    public static async Task<JsonElement> GetJsonAsync(this PlatformFactory platform, string principal, string path)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return await (await platform.ClientFor(principal).GetAsync(path, Cancellation)).ReadJsonAsync();
    }

    public static string[] HistoryActions(this JsonElement approval) =>
        approval.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray();

    /// <summary>Takes every message waiting on a subscription (completing them) and returns those about <paramref name="approvalId"/>.</summary>
    public static async Task<IReadOnlyList<TopicMessage>> TakeAsync(this PlatformFactory platform, string topic, string subscription, string approvalId)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var receiver = platform.Services.GetRequiredService<SqliteTopicReceiver>();
        var taken = new List<TopicMessage>();
        while (true)
        {
            var batch = await receiver.ReceiveAsync(topic, subscription, 100, Cancellation);
            if (batch.Count == 0)
            {
                return taken.Where(m => m.ApplicationProperties.GetValueOrDefault("approvalId") == approvalId).ToArray();
            }

            foreach (var received in batch)
            {
                taken.Add(received.Message);
                await receiver.CompleteAsync(received.LockToken, Cancellation);
            }
        }
    }

    public static JsonElement Body(this TopicMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonDocument.Parse(message.Body).RootElement.Clone();
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        await Support.Eventually.WaitUntilAsync(condition, timeout ?? Support.Eventually.Patience, what, Cancellation);
    }
}
