using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Approvals;
using Integration.Domain.Messaging;
using Integration.Functions.Infrastructure.Topics;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Integration.Tests.Leads;

/// <summary>
/// The real app on a clock the tests move, with the claims of projects under the tests' control and
/// every log line kept, so a test can read what was logged.
/// </summary>
public class LeadPlatform : PlatformFactory
{
    /// <summary>Friday 13 February 2026, 10:00 in China: the day after the discovery the issue's example starts from.</summary>
    public static readonly DateTimeOffset Start = new(2026, 2, 13, 10, 0, 0, TimeSpan.FromHours(8));

    public LeadPlatform() => WithTime(Time).WithDeadlinesSweptByTest();

    public ManualTimeProvider Time { get; } = new(Start);

    /// <summary>Project code → departments that claimed its approval.</summary>
    public ConcurrentDictionary<string, string[]> Claims { get; } = new();

    public LogCapture Logs { get; } = new();

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void SetTime(DateTimeOffset instant) => Time.SetUtcNow(instant);

    public async Task<HttpResponseMessage> PostAsync(string principal, string path, JsonNode body) =>
        await ClientFor(principal).PostAsync(path, JsonContent.Create(body), Cancellation);

    public async Task<JsonElement> SubmitAsync(JsonNode lead, HttpStatusCode status = HttpStatusCode.Created) =>
        await (await PostAsync("trading-center", "/api/leads", lead)).ReadJsonAsync(status);

    public async Task<JsonElement> GetLeadAsync(string leadId, string principal = "ndrc") =>
        await (await ClientFor(principal).GetAsync($"/api/leads/{leadId}", Cancellation)).ReadJsonAsync();

    public async Task<JsonElement> ActAsync(string principal, string leadId, string action, JsonNode body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await PostAsync(principal, $"/api/leads/{leadId}/{action}", body);
        return status == HttpStatusCode.OK ? await response.ReadJsonAsync() : await response.ReadProblemAsync(status);
    }

    /// <summary>Receives (and settles) every message now on a subscription, and returns those of one lead.</summary>
    public async Task<IReadOnlyList<TopicMessage>> MessagesAsync(string topic, string subscription, string leadId)
    {
        var receiver = Services.GetRequiredService<SqliteTopicReceiver>();
        var all = new List<TopicMessage>();
        while (true)
        {
            var batch = await receiver.ReceiveAsync(topic, subscription, 100, Cancellation);
            foreach (var received in batch)
            {
                all.Add(received.Message);
                await receiver.CompleteAsync(received.LockToken, Cancellation);
            }

            if (batch.Count < 100)
            {
                break;
            }
        }

        return all.Where(m => m.ApplicationProperties.GetValueOrDefault("leadId") == leadId).ToArray();
    }

    /// <summary>Runs the deadline sweep at the clock's time; <paramref name="action"/> must then be in the lead's history.</summary>
    public async Task<JsonElement> FireDeadlinesAsync(string leadId, string action)
    {
        await this.SweepDeadlinesAsync();
        var lead = await GetLeadAsync(leadId);
        Assert.True(Actions(lead).Contains(action), $"{action} is not in the history of {leadId} after the deadline sweep: {string.Join(", ", Actions(lead))}");
        return lead;
    }

    public static string[] Actions(JsonElement lead) =>
        lead.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray();

    /// <summary>A valid lead: bid rigging on a housing project, two materials, a whistle-blower as its source.</summary>
    public static JsonObject Lead(string leadId, string discoveredAt = "2026-02-12T15:20:00+08:00") => new()
    {
        ["leadId"] = leadId,
        ["discoveredAt"] = discoveredAt,
        ["projectCode"] = "2026-371002-48-01-000123",
        ["tenderId"] = "WHGG2026-0042",
        ["category"] = "bid-rigging",
        ["industry"] = "housing-construction",
        ["summary"] = "三家投标人的投标文件由同一台电脑制作（机器码一致），报价呈规律性差异。",
        ["parties"] = new JsonArray
        {
            new JsonObject { ["name"] = "威海甲建设有限公司", ["creditCode"] = "914403001922038216", ["role"] = "bidder" },
            new JsonObject { ["name"] = "威海乙建筑工程有限公司", ["creditCode"] = "9144030071526726XG", ["role"] = "bidder" },
        },
        ["evidence"] = new JsonArray
        {
            new JsonObject { ["name"] = "投标文件机器码比对报告", ["sha256"] = Sha(1), ["uri"] = "https://ggzy.weihai.example/evidence/1.pdf" },
            new JsonObject { ["name"] = "保证金缴纳账户流水", ["sha256"] = Sha(2), ["uri"] = "https://ggzy.weihai.example/evidence/2.pdf" },
        },
        ["suspectedCrime"] = false,
        ["source"] = new JsonObject
        {
            ["channel"] = "whistle-blower",
            ["name"] = Whistleblower.Name,
            ["idNumber"] = Whistleblower.IdNumber,
            ["phone"] = Whistleblower.Phone,
            ["email"] = Whistleblower.Email,
            ["organization"] = Whistleblower.Organization,
            ["note"] = Whistleblower.Note,
        },
    };

    public static string Sha(int n) => new((char)('a' + n), 64);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IProjectSupervision>(new FakeSupervision(Claims));
            services.AddSingleton<ILoggerProvider>(Logs);
        });
    }

    private sealed class FakeSupervision(ConcurrentDictionary<string, string[]> claims) : IProjectSupervision
    {
        public Task<IReadOnlyList<string>> ClaimingDepartmentsAsync(string projectCode, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<string>>(claims.GetValueOrDefault(projectCode) ?? []);
    }
}

/// <summary>A whistle-blower's identity, unique enough that finding any part of it anywhere is a leak.</summary>
public static class Whistleblower
{
    public const string Name = "举报人林秋菊";
    public const string IdNumber = "37100219800101123X";
    public const string Phone = "+86 139 6310 7788";
    public const string Email = "qiuju.lin@mail.example";
    public const string Organization = "威海丙投标咨询有限公司内部员工";
    public const string Note = "举报人要求保密，联系时间晚八点后";

    public static readonly IReadOnlyList<string> Fields = [Name, IdNumber, Phone, Email, Organization, Note];
}

/// <summary>Keeps every log line (message, scopes and exception) so tests can search what was logged.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    line.Append(CultureInfo.InvariantCulture, $" {key}={value}");
                }
            }

            capture.scopes.ForEachScope((scope, builder) => builder.Append(CultureInfo.InvariantCulture, $" [{scope}]"), line);
            capture.lines.Enqueue(line.ToString());
        }
    }
}
