using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Functions.Infrastructure.Sqlite;
using Integration.Functions.Platform.Hosting;
using Integration.Tests.Approvals;
using Integration.Tests.Enforcement.Plans;
using Integration.Tests.Leads;
using Integration.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Hardening;

/// <summary>
/// Every POST, PUT and PATCH function of the app, found in its function index (a new route is fuzzed without being listed
/// here), and every form post of the console, sent malformed bodies by their intended callers and by others: never a 5xx,
/// and a refused request commits nothing to the store.
/// </summary>
[Trait("lane", "integration")]
public sealed partial class HostileBodyFuzzTests(HostileBodyFuzzTests.SeededPlatform platform) : IClassFixture<HostileBodyFuzzTests.SeededPlatform>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Who sends: every role's sample principal, so each route meets its intended caller and strangers.</summary>
    private static readonly string[] Principals = ["housing", "transport", "ndrc", "admin", "trading-center", "approval-system"];

    /// <summary>The field names the app's readers know, so malformed values reach the readers rather than stopping at "required".</summary>
    private static readonly string[] Fields =
    [
        "accepted", "actionItems", "active", "agenda", "approvalId", "approvalKind", "approvedAt", "at", "category", "commitment", "completedAt",
        "creditCode", "decision", "decisions", "department", "detail", "dueWorkingDays", "evidence", "findings", "industry", "instanceId", "items",
        "kind", "leadId", "materials", "matters", "name", "nonce", "officers", "outcome", "owner", "parties", "period", "projectCode", "projectName",
        "reason", "region", "regionCode", "reply", "resultCode", "summary", "targets", "tenderId", "text", "title", "version", "what", "workingDays",
    ];

    public static TheoryData<string> Bodies => new(Malformed.Keys);

    private static readonly Dictionary<string, Func<byte[]>> Malformed = new()
    {
        ["NUL escaped"] = () => Sink(_ => "a\u0000b"),
        ["NUL raw"] = () => [.. Encoding.UTF8.GetBytes("{\"reason\":\"a"), 0, .. Encoding.UTF8.GetBytes("b\",\"period\":\"2025Q4\"}")],
        ["lone surrogate escaped"] = () => Encoding.UTF8.GetBytes(SinkText(_ => "\\ud800x")),
        ["lone surrogate in a name"] = () => Encoding.UTF8.GetBytes("{\"\\ud800\":\"x\",\"reason\":\"ok\",\"period\":\"2025Q4\"}"),
        ["lone surrogate as bytes"] = () => [.. Encoding.UTF8.GetBytes("{\"reason\":\""), 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes("\"}")],
        ["full-width digits"] = () => Sink(name => name switch
        {
            "period" => "２０２６Q4",
            "projectCode" or "approvalId" or "leadId" => "２０２６-３７１００２-48-01-000123",
            "region" or "regionCode" => "３７１００２",
            _ => "１２",
        }),
        ["duplicate keys"] = () => Encoding.UTF8.GetBytes("{" + string.Join(",", Fields.Select(f => $"\"{f}\":\"2025Q4\",\"{f}\":[1]")) + "}"),
        ["10 MB"] = () => Encoding.UTF8.GetBytes("{\"reason\":\"" + new string('x', 10 * 1024 * 1024) + "\"}"),
        ["200-deep nesting"] = () => Encoding.UTF8.GetBytes("{\"reason\":" + new string('[', 200) + new string(']', 200) + ",\"items\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}"),
        ["wrong types: numbers"] = () => Encoding.UTF8.GetBytes("{" + string.Join(",", Fields.Select(f => $"\"{f}\":-1e308")) + "}"),
        ["wrong types: objects"] = () => Encoding.UTF8.GetBytes("{" + string.Join(",", Fields.Select(f => $"\"{f}\":{{\"{f}\":[null,true,{{}}]}}")) + "}"),
        ["wrong types: arrays of nulls"] = () => Encoding.UTF8.GetBytes("{" + string.Join(",", Fields.Select(f => $"\"{f}\":[null]")) + "}"),
        ["root array"] = () => "[{\"reason\":\"x\"}]"u8.ToArray(),
        ["root string"] = () => "\"２０２６Q4\""u8.ToArray(),
        ["root null"] = () => "null"u8.ToArray(),
    };

    private static byte[] Sink(Func<string, string> value) => Encoding.UTF8.GetBytes(new JsonObject(Fields.Select(f => KeyValuePair.Create(f, (JsonNode?)value(f)))).ToJsonString());

    private static string SinkText(Func<string, string> value) => "{" + string.Join(",", Fields.Select(f => $"\"{f}\":\"{value(f)}\"")) + "}";

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task No_malformed_body_to_any_write_route_is_a_5xx_or_changes_the_store(string body)
    {
        var bytes = Malformed[body]();
        var failures = new List<string>();
        var statuses = new List<int>();
        var functions = WriteFunctions().ToArray();
        Assert.True(functions.Length >= 40, $"{functions.Length} write functions");
        foreach (var function in functions)
        {
            var path = Path(function.Route, platform.Ids);
            foreach (var method in function.Methods.Select(m => m.ToLowerInvariant()).Where(m => m is "post" or "put" or "patch"))
            {
                // A 10 MB body once per route (its intended caller's turn) is enough to show it is refused unread.
                foreach (var principal in body == "10 MB" ? Principals.Take(3) : Principals)
                {
                    using var content = new ByteArrayContent(bytes);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path) { Content = content };
                    var before = platform.Version();
                    var response = await platform.Factory.ClientFor(principal).SendAsync(request, Ct);
                    statuses.Add((int)response.StatusCode);
                    failures.AddRange(await platform.CheckAsync(response, before, $"{method.ToUpperInvariant()} {path} as {principal}"));
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(40))}");

        // The bodies reached the routes' readers, not only their doors (401, 403, 404).
        Assert.Contains(statuses, s => s is 400 or 413);
    }

    public static TheoryData<string> FormBodies => new(Forms.Keys);

    private static readonly Dictionary<string, (string ContentType, Func<string, byte[]> Body)> Forms = new()
    {
        ["NUL in every field"] = ("application/x-www-form-urlencoded", token => Form(token, _ => "a\0b")),
        ["full-width digits"] = ("application/x-www-form-urlencoded", token => Form(token, _ => "２０２６Q4")),
        ["lone surrogate"] = ("application/x-www-form-urlencoded", token => Form(token, _ => "%ED%A0%80")),
        ["duplicate fields"] = ("application/x-www-form-urlencoded", token => Encoding.UTF8.GetBytes($"{Form(token)}&{FormText(token, _ => "x")}")),
        ["broken multipart"] = ("multipart/form-data; boundary=XYZ", token => Encoding.UTF8.GetBytes($"--XYZ\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{token}\r\n--XYZ\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\nx")),
        ["multipart without boundary"] = ("multipart/form-data", token => Form(token, _ => "x")),
        ["10 MB"] = ("application/x-www-form-urlencoded", token => Encoding.UTF8.GetBytes($"__RequestVerificationToken={Uri.EscapeDataString(token)}&reason={new string('x', 10 * 1024 * 1024)}")),
        ["no token"] = ("application/x-www-form-urlencoded", _ => Encoding.UTF8.GetBytes(FormText(null, _ => "x"))),
    };

    private static readonly string[] FormFields = ["key", "reason", "department", "period", "summary", "decisions", "outcome", "title", "at", "resultCode", "nonce", "version", "agenda"];

    private static byte[] Form(string token, Func<string, string>? value = null) => Encoding.UTF8.GetBytes(FormText(token, value ?? (_ => "2025Q4")));

    private static string FormText(string? token, Func<string, string> value) =>
        string.Join("&", (token is null ? [] : new[] { $"__RequestVerificationToken={Uri.EscapeDataString(token)}" })
            .Concat(FormFields.Select(f => $"{f}={(value(f).Contains('%', StringComparison.Ordinal) ? value(f) : Uri.EscapeDataString(value(f)))}")));

    [Theory]
    [MemberData(nameof(FormBodies))]
    public async Task No_malformed_console_form_is_a_5xx_or_changes_the_store(string body)
    {
        var (contentType, make) = Forms[body];
        var failures = new List<string>();
        Assert.True(ConsoleFormPaths(platform).Count() >= 10, string.Join(", ", ConsoleFormPaths(platform)));
        foreach (var principal in new string?[] { null, "ndrc", "housing" })
        {
            using var client = platform.Factory.CreateClient(new() { AllowAutoRedirect = false });
            var token = await ConsoleSignInAsync(client, principal);
            foreach (var path in ConsoleFormPaths(platform))
            {
                using var content = new ByteArrayContent(make(token));
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                var before = platform.Version();
                var response = await client.PostAsync(path, content, Ct);
                failures.AddRange(await platform.CheckAsync(response, before, $"POST {path} as {principal ?? "anonymous"}"));
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(40))}");
    }

    /// <summary>The console's form posts, from its route table (route values filled with the seeded records).</summary>
    private static IEnumerable<string> ConsoleFormPaths(SeededPlatform platform) =>
        platform.Factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/console", StringComparison.Ordinal) == true
                && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => Path(e.RoutePattern.RawText!.TrimStart('/'), platform.Ids, prefix: ""))
            .Distinct(StringComparer.Ordinal);

    private static IEnumerable<HttpFunctionDescriptor> WriteFunctions() =>
        FunctionIndex.ForApp.Http.Where(f => f.Methods.Any(m => m.ToLowerInvariant() is "post" or "put" or "patch")).OrderBy(f => f.Name, StringComparer.Ordinal);

    private static string Path(string route, IReadOnlyDictionary<string, string> ids, string prefix = "/" + FunctionIndex.RoutePrefix) =>
        prefix + "/" + RouteValue().Replace(route, m => Uri.EscapeDataString(ids.GetValueOrDefault(m.Groups[1].Value, "x")));

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteValue();

    private static async Task<string> ConsoleSignInAsync(HttpClient client, string? principal)
    {
        var token = Token(await client.GetStringAsync("/console/sign-in", Ct));
        if (principal is null)
        {
            return token;
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["key"] = $"dev-{principal}" });
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("/console/sign-in", form, Ct)).StatusCode);
        return Token(await client.GetStringAsync("/console/reports", Ct));
    }

    private static string Token(string page) => WebUtility.HtmlDecode(TokenField().Match(page) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no form token on the page"));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>One platform for every case, seeded once: a drawn plan, a lead, an approval and a report for the routes to find.</summary>
    public sealed class SeededPlatform : IAsyncLifetime
    {
        private SqliteConnection? watcher;

        public PlanPlatform Factory { get; } = new();

        public IReadOnlyDictionary<string, string> Ids { get; private set; } = new Dictionary<string, string>();

        public async ValueTask InitializeAsync()
        {
            var factory = Factory;
            // Every timer and the topic consumers off: the only writes to the store are the requests'.
            var timers = FunctionIndex.ForApp.Timers.Select(t => t.Name).ToArray();
            for (var i = 0; i < timers.Length; i++)
            {
                factory.With($"Timers:Disabled:{i}", timers[i]);
            }

            factory.WithServices(services =>
            {
                foreach (var consumer in services.Where(d => d.ImplementationType == typeof(Integration.Functions.Infrastructure.Topics.TopicConsumerHost)).ToArray())
                {
                    services.Remove(consumer);
                }
            });
            factory.SetTime(PlanPlatform.Start);
            await factory.DrawnAsync("fuzz-plan");
            var task = (await factory.GetAsync("ndrc", "/api/enforcement/plans/fuzz-plan/tasks")).GetProperty("tasks")[0].GetProperty("taskId").GetString()!;
            await (await factory.ClientFor("trading-center").PostAsync("/api/leads", System.Net.Http.Json.JsonContent.Create(LeadPlatform.Lead("fuzz-lead")), Ct)).ReadJsonAsync(HttpStatusCode.Created);
            await (await factory.PushAsync(ApprovalData.Valid("fuzz-approval"))).ReadJsonAsync(HttpStatusCode.Created);
            watcher = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = factory.Services.GetRequiredService<SqliteDatabase>().FilePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
            watcher.Open();
            var before = Version();
            await factory.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "2025Q4" }, HttpStatusCode.Created);

            // The watch sees a request's writes (else "the store did not change" would prove nothing).
            Assert.NotEqual(before, Version());
            var ids = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["planId"] = "fuzz-plan", ["taskId"] = task, ["finding"] = "0", ["letterId"] = $"{task}-L1", ["leadId"] = "fuzz-lead",
                ["approvalId"] = "fuzz-approval", ["period"] = "2025Q4", ["meetingId"] = "2025Q4", ["actionId"] = "2025Q4-A001",
                ["department"] = "housing", ["instanceId"] = "fuzz-plan", ["eventName"] = "fuzz", ["id"] = "fuzz",
            };
            Ids = ids;
        }

        public async ValueTask DisposeAsync()
        {
            if (watcher is not null)
            {
                await watcher.DisposeAsync();
            }

            await Factory.DisposeAsync();
        }

        /// <summary>SQLite's count of commits by other connections: it moves with every write to any table or topic.</summary>
        public long Version()
        {
            using var command = watcher!.CreateCommand();
            command.CommandText = "PRAGMA data_version;";
            return (long)command.ExecuteScalar()!;
        }

        public async Task<string[]> CheckAsync(HttpResponseMessage response, long before, string what)
        {
            var status = (int)response.StatusCode;
            if (status == 503 && (await response.Content.ReadAsStringAsync(Ct)).Contains("Durable:Engine=Off", StringComparison.Ordinal))
            {
                // This instance runs without the Durable Task engine: a setting of the deployment, not the caller's doing.
                return [];
            }

            return status >= 500 ? [$"{status} for {what}"]
                : status >= 400 && Version() != before ? [$"{status} for {what}, but the store changed"]
                : [];
        }
    }
}
