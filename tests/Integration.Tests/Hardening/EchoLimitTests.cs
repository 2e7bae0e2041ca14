using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Integration.Functions.Platform.Hosting;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// No answer repeats more than 200 characters of what a caller sent: not a problem's <c>detail</c>, <c>instance</c> or
/// <c>errors</c>, not a console page's message, not a header. Every route gets a value far longer than that in each
/// of its route parameters, its usual query parameters and a body's fields and names.
/// </summary>
[Trait("lane", "integration")]
public sealed partial class EchoLimitTests(EchoLimitTests.Platform platform) : IClassFixture<EchoLimitTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private const int Limit = 200;
    private static readonly string Long = new('Q', 3000);
    private static readonly string Echo = new('Q', Limit + 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Functions => new(FunctionIndex.ForApp.Http.Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task No_function_echoes_more_than_200_characters_of_a_long_route_query_or_body_value(string name)
    {
        var function = FunctionIndex.ForApp.Http.Single(f => f.Name == name);
        var path = "/api/" + RouteParameter().Replace(function.Route, Long);
        var query = "?" + string.Join('&', new[] { "status", "department", "pageToken", "pageSize", "from", "workingDays", "kind", "overdue", "period" }.Select(q => $"{q}={Long}"));
        foreach (var principal in new[] { "ndrc", "admin", "housing", "trading-center" })
        {
            foreach (var method in function.Methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path + query);
                if (method != "GET")
                {
                    request.Content = new StringContent(LongBody(), Encoding.UTF8, "application/json");
                }

                await AssertNoEchoAsync(await platform.ClientFor(principal).SendAsync(request, Ct), $"{principal} {method} {function.Route}");
            }
        }
    }

    [Theory]
    [InlineData("""{"approvalId":"Q""")]
    [InlineData("""{ QQQ """)]
    [InlineData("""["QQQ", 1, }""")]
    public async Task Malformed_json_is_not_echoed(string start)
    {
        var json = start.Replace("QQQ", Long, StringComparison.Ordinal).Replace("\"Q", "\"" + Long, StringComparison.Ordinal);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        await AssertNoEchoAsync(await platform.ClientFor("approval-system").PostAsync("/api/approvals", content, Ct), "malformed JSON");
    }

    [Fact]
    public async Task Long_credentials_unknown_routes_and_headers_are_not_echoed()
    {
        using var client = platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Long);
        client.DefaultRequestHeaders.Add("X-Correlation-Id", Long);
        await AssertNoEchoAsync(await client.GetAsync("/api/me", Ct), "long key");
        await AssertNoEchoAsync(await client.GetAsync("/api/" + Long, Ct), "unknown route");
        await AssertNoEchoAsync(await client.GetAsync("/" + Long, Ct), "unknown path");
        await AssertNoEchoAsync(await client.GetAsync("/console/" + Long, Ct), "unknown console page");
    }

    [Theory]
    [InlineData("dev-ndrc")]
    [InlineData("dev-housing")]
    public async Task Console_pages_and_forms_do_not_echo_long_values(string key)
    {
        using var console = platform.CreateClient();
        var signIn = await (await console.GetAsync("/console/sign-in", Ct)).Content.ReadAsStringAsync(Ct);
        await AssertNoEchoAsync(await console.PostAsync("/console/sign-in", Form(signIn, ("key", Long)), Ct), "console sign-in");
        var signedIn = await console.PostAsync("/console/sign-in", Form(signIn, ("key", key)), Ct);
        Assert.True(signedIn.IsSuccessStatusCode, $"sign-in answered {(int)signedIn.StatusCode}");

        foreach (var page in new[]
        {
            $"/console/records/approval/{Long}", $"/console/records/{Long}/x", $"/console/plans/{Long}", $"/console/reports/{Long}.html",
            $"/console/reports/{Long}.xlsx", $"/console/reports?period={Long}", $"/console/leads?status={Long}", $"/console/queue?done=claim&id={Long}",
        })
        {
            await AssertNoEchoAsync(await console.GetAsync(page, Ct), page.Replace(Long, "…", StringComparison.Ordinal));
        }

        var queue = await (await console.GetAsync("/console/queue", Ct)).Content.ReadAsStringAsync(Ct);
        // The console reads a form up to 16 KiB: ten fields of 1000 characters each, far past what any may hold.
        var fields = new[] { "reason", "department", "title", "basis", "participants", "from", "at", "summary", "resultCode", "completedAt" }
            .Select(f => (f, new string('Q', 1000))).ToArray();
        foreach (var action in new[]
        {
            $"/console/approvals/{Long}/claim", $"/console/approvals/{Long}/decline", $"/console/approvals/{Long}/assign", $"/console/leads/{Long}/receipt",
            "/console/plans", $"/console/plans/{Long}/confirm", $"/console/plans/{Long}/tasks/{Long}/result", $"/console/reports/{Long}/ack",
            $"/console/reports/{Long}/meeting", $"/console/reports/{Long}/meeting/minutes", $"/console/reports/actions/{Long}/close",
        })
        {
            var answer = await console.PostAsync(action, Form(queue, fields), Ct);
            var page = await answer.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("表单已过期", page, StringComparison.Ordinal);
            await AssertNoEchoAsync(answer, action.Replace(Long, "…", StringComparison.Ordinal));
        }
    }

    private static string LongBody()
    {
        var fields = new[]
        {
            "approvalId", "leadId", "planId", "period", "department", "reason", "materials", "outcome", "decision", "completedAt", "approvedAt", "discoveredAt",
            "industry", "category", "kind", "leadDepartment", "participants", "commitment", "nonce", "officerId", "resultCode", "at", "title", "summary",
            "projectCode", "regionCode", "approvalKind", "owner", "tendering", "window", "scope", "items", "actionItems", "eventName", "sha256", "uri",
        };
        var body = new StringBuilder("{");
        foreach (var field in fields)
        {
            body.Append('"').Append(field).Append("\":\"").Append(Long).Append("\",");
        }

        return body.Append("\"version\":\"").Append(Long).Append("\",\"").Append(Long).Append("\":1}").ToString();
    }

    private static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields)
    {
        var token = HiddenField().Match(page);
        Assert.True(token.Success, "the page has no anti-forgery field");
        return new FormUrlEncodedContent(
            fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
                .Append(new(token.Groups["name"].Value, WebUtility.HtmlDecode(token.Groups["value"].Value))));
    }

    private static async Task AssertNoEchoAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        // 503 is the orchestration routes' answer while this instance runs no Durable engine; anything else 5xx is a failure.
        Assert.True((int)response.StatusCode < 500 || response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        var at = body.IndexOf(Echo, StringComparison.Ordinal);
        Assert.True(at < 0, $"{what} ({(int)response.StatusCode}) echoes more than {Limit} characters: …{(at < 0 ? "" : body[Math.Max(0, at - 200)..Math.Min(body.Length, at + 10)])}");
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            Assert.DoesNotContain(header.Value, v => v.Contains(Echo, StringComparison.Ordinal));
        }
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]+)"\s*/?>""")]
    private static partial Regex HiddenField();
}
