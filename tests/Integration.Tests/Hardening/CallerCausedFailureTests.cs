using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Tests.Approvals;
using Integration.Tests.Leads;
using Integration.Tests.Support;

namespace Integration.Tests.Hardening;

/// <summary>
/// Requests that once answered 500: full-width digits in identifiers, a property named twice, a blank probe id, and console
/// forms that are not well-formed forms. Each is now a 4xx that names what is wrong and stores nothing.
/// </summary>
[Trait("lane", "integration")]
public sealed partial class CallerCausedFailureTests(CallerCausedFailureTests.Platform platform) : IClassFixture<CallerCausedFailureTests.Platform>
{
    public sealed class Platform : LeadPlatform;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_period_in_full_width_digits_is_a_400_naming_it_or_a_404_in_a_path()
    {
        platform.SetTime(new DateTimeOffset(2026, 4, 27, 10, 0, 0, TimeSpan.FromHours(8)));
        var problem = await (await platform.PostAsync("ndrc", "/api/reports/coordination", new JsonObject { ["period"] = "２０２６Q1" })).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["period"], problem.ErrorFields());
        Assert.Contains("半角", problem.GetProperty("errors").GetProperty("period")[0].GetString(), StringComparison.Ordinal);

        var path = $"/api/reports/coordination/{Uri.EscapeDataString("２０２６Q1")}";
        AssertRefused(await platform.ClientFor("ndrc").GetAsync(path, Ct));
        AssertRefused(await platform.PostAsync("housing", $"{path}/ack", new JsonObject()));
        AssertRefused(await platform.PostAsync("water", $"{path}/agenda", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["title"] = "议题" }) }));
        AssertRefused(await platform.PostAsync("ndrc", $"{path}/meeting", new JsonObject { ["at"] = "2026-04-30T09:30:00+08:00" }));
    }

    [Fact]
    public async Task Project_and_region_codes_in_full_width_digits_are_a_400_naming_each()
    {
        var approval = ApprovalData.Valid().With("projectCode", "２０２６-３７１００２-48-01-000123").With("regionCode", "３７１００２");
        var problem = await (await platform.PushAsync(approval)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["projectCode", "regionCode"], problem.ErrorFields());

        platform.SetTime(LeadPlatform.Start);
        var lead = LeadPlatform.Lead($"fullwidth-{Guid.NewGuid():N}");
        lead["projectCode"] = "２０２６-371002-48-01-000123";
        Assert.Equal(["projectCode"], (await (await platform.PostAsync("trading-center", "/api/leads", lead)).ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        var targets = new JsonObject
        {
            ["targets"] = new JsonArray(new JsonObject
            {
                ["targetId"] = "2026-371002-48-01-000901", ["name"] = "威海市某工程", ["creditCode"] = "914403001922038216",
                ["region"] = "３７１００２", ["industry"] = "housing-construction",
            }),
        };
        var refused = await (await platform.ClientFor("admin").PutAsync("/api/enforcement/targets", Json(targets.ToJsonString()), Ct)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(refused.ErrorFields(), f => f.EndsWith("region", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/leads", "trading-center")]
    [InlineData("/api/approvals", "approval-system")]
    [InlineData("/api/reports/coordination", "ndrc")]
    public async Task A_property_named_twice_is_a_400(string path, string principal)
    {
        platform.SetTime(LeadPlatform.Start);
        var body = """{"leadId":"twice-1","leadId":"twice-2","period":"2025Q4","period":"2025Q3","approvalId":"A-twice","approvalId":"B-twice"}""";
        var problem = await (await platform.ClientFor(principal).PostAsync(path, Json(body), Ct)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["$"], problem.ErrorFields());
        Assert.Contains("twice", problem.GetProperty("errors").GetProperty("$")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"instanceId":""}""")]
    [InlineData("""{"instanceId":"   "}""")]
    public async Task A_blank_probe_instance_id_is_a_400(string body)
    {
        var problem = await (await platform.ClientFor("admin").PostAsync("/api/operations/orchestrations/probe", Json(body), Ct)).ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["instanceId"], problem.ErrorFields());
    }

    public static TheoryData<string, string> MalformedForms => new()
    {
        { "application/x-www-form-urlencoded", "key=dev-ndrc%00&__RequestVerificationToken=x" },
        { "application/x-www-form-urlencoded", "key=dev\0ndrc" },
        { "multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\ndev-ndrc" },
        { "multipart/form-data; boundary=XYZ", "no boundary here at all" },
        { "multipart/form-data", "--XYZ\r\n\r\n--XYZ--" },
        { "application/x-www-form-urlencoded", "%" },
    };

    [Theory]
    [MemberData(nameof(MalformedForms))]
    public async Task A_console_form_that_is_not_a_well_formed_form_is_a_400_page_in_chinese_signed_in_or_not(string contentType, string body)
    {
        foreach (var (signedIn, path) in new[] { (false, "/console/sign-in"), (true, "/console/reports/2026Q1/ack"), (true, "/console/sign-in") })
        {
            using var client = platform.CreateClient(new() { AllowAutoRedirect = false });
            var token = await SignInAsync(client, signedIn);
            foreach (var withToken in new[] { false, true })
            {
                var sent = withToken ? $"__RequestVerificationToken={Uri.EscapeDataString(token)}&{body}" : body;
                using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(sent));
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                var response = await client.PostAsync(path, content, Ct);
                var page = await response.Content.ReadAsStringAsync(Ct);
                // Without a token the form is refused whatever it holds; with one, a well-formed form may reach the page's own 4xx (no such report).
                Assert.True(withToken ? (int)response.StatusCode is >= 400 and < 500 : response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {path} (signed in: {signedIn}, token: {withToken}): {page[..Math.Min(page.Length, 300)]}");
                Assert.Contains("<html lang=\"zh-CN\"", page, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Gets the sign-in form (its antiforgery cookie and token) and, when asked, signs in as ndrc; returns a current form token.</summary>
    private static async Task<string> SignInAsync(HttpClient client, bool signIn)
    {
        var token = Token(await client.GetStringAsync("/console/sign-in", Ct));
        if (!signIn)
        {
            return token;
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["key"] = "dev-ndrc" });
        var response = await client.PostAsync("/console/sign-in", form, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Token(await client.GetStringAsync("/console/reports", Ct));
    }

    private static string Token(string page) => WebUtility.HtmlDecode(TokenField().Match(page) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no form token on the page"));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static void AssertRefused(HttpResponseMessage response) =>
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode} for {response.RequestMessage?.RequestUri}");
}
