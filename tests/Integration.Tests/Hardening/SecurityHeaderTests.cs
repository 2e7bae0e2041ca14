using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Integration.Functions.Identity;
using Integration.Functions.Platform.Hosting;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Hardening;

/// <summary>
/// What a browser is told about every answer: no sniffing, no framing, no script; the console's cookies are Secure over
/// HTTPS, HttpOnly and SameSite; and a production instance neither hides that nobody can sign in nor lists its routes
/// to strangers.
/// </summary>
[Trait("lane", "integration")]
public sealed partial class SecurityHeaderTests(SecurityHeaderTests.Platform platform) : IClassFixture<SecurityHeaderTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string?, HttpStatusCode> Answers => new()
    {
        { "/api/health", null, HttpStatusCode.OK },
        { "/api/me", "dev-housing", HttpStatusCode.OK },
        { "/api/approvals?pageSize=5", "dev-ndrc", HttpStatusCode.OK },
        { "/api/me", null, HttpStatusCode.Unauthorized },
        { "/api/operations/subscriptions", "dev-housing", HttpStatusCode.Forbidden },
        { "/api/calendar/days/not-a-date", null, HttpStatusCode.BadRequest },
        { "/api/leads/no-such-lead", "dev-ndrc", HttpStatusCode.NotFound },
        { "/api/no-such-route", null, HttpStatusCode.NotFound },
        { "/openapi/v1.json", null, HttpStatusCode.OK },
        { "/console/sign-in", null, HttpStatusCode.OK },
        { "/console/queue", null, HttpStatusCode.Redirect },
        { "/console/no-such-page", null, HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_answer_forbids_sniffing_framing_and_script(string path, string? key, HttpStatusCode status)
    {
        using var client = platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var response = await client.SendAsync(request, Ct);
        Assert.Equal(status, response.StatusCode);
        AssertSecurityHeaders(response.Headers.Select(h => (h.Key, string.Join(", ", h.Value))));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "plain HTTP is told nothing about HTTPS");
    }

    [Fact]
    public async Task Console_pages_downloads_and_reports_carry_the_headers_and_no_inline_script()
    {
        using var console = platform.CreateClient();
        var signIn = await console.GetAsync("/console/sign-in", Ct);
        var page = await signIn.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(" on[a-z]+=", page);
        var queue = await console.PostAsync("/console/sign-in", SignInForm(page, "dev-ndrc"), Ct);
        Assert.Equal("/console/queue", queue.RequestMessage!.RequestUri!.AbsolutePath);
        foreach (var path in new[] { "/console/queue", "/console/leads", "/console/plans", "/console/reports", "/console/overview" })
        {
            var answer = await console.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.DoesNotContain("<script", await answer.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
            AssertSecurityHeaders(answer.Headers.Select(h => (h.Key, string.Join(", ", h.Value))));
        }

        // A file the app serves as it is stored (the report's printable page): the same headers, so it cannot run script either.
        using var ndrc = platform.ClientFor("ndrc");
        await (await ndrc.PostAsync("/api/reports/coordination", JsonContent.Create(new { period = "2025Q4" }), Ct)).ReadJsonAsync(HttpStatusCode.Created);
        var printable = await ndrc.GetAsync("/api/reports/coordination/2025Q4.html", Ct);
        Assert.Equal("text/html", printable.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(printable.Headers.Select(h => (h.Key, string.Join(", ", h.Value))));
        var workbook = await console.GetAsync("/console/reports/2025Q4.xlsx", Ct);
        Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);
        AssertSecurityHeaders(workbook.Headers.Select(h => (h.Key, string.Join(", ", h.Value))));
    }

    [Fact]
    public async Task Under_the_functions_host_the_worker_s_answers_carry_the_same_headers()
    {
        using var scope = platform.Services.CreateScope();
        var response = new StartingResponseFeature();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Features.Set<IHttpResponseFeature>(response);
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = "/api/me";
        var me = (HttpFunctionDescriptor)FunctionIndex.ForApp.Find("me")!;

        await HttpFunctionMiddleware.RunAsync(http, me, () => Task.FromResult<object?>(TypedResults.Ok()));
        await response.StartAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, http.Response.StatusCode);
        AssertSecurityHeaders(http.Response.Headers.Select(h => (h.Key, h.Value.ToString())));
    }

    [Fact]
    public async Task Over_https_the_console_s_cookies_are_secure_http_only_and_same_site()
    {
        using var console = platform.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var signIn = await console.GetAsync("/console/sign-in", Ct);
        Assert.Contains("max-age=", signIn.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        var antiforgery = Cookie(signIn, "console-antiforgery");
        var session = Cookie(await console.PostAsync("/console/sign-in", SignInForm(await signIn.Content.ReadAsStringAsync(Ct), "dev-housing"), Ct), "console-session");

        foreach (var cookie in new[] { antiforgery, session })
        {
            Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Matches("(?i); samesite=(lax|strict)", cookie);
        }
    }

    [Fact]
    public async Task Behind_a_proxy_that_ends_tls_the_forwarded_scheme_makes_the_cookies_secure()
    {
        // As the console's App Service sets ASPNETCORE_FORWARDEDHEADERS_ENABLED (infra/modules/consoleApp.bicep).
        using var proxied = new PlatformFactory().With("ForwardedHeaders_Enabled", "true");
        // The client sees http://localhost and would keep a Secure cookie to itself, so the test sends it back as the browser would.
        using var console = proxied.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        console.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var signIn = await console.GetAsync("/console/sign-in", Ct);
        var antiforgery = Cookie(signIn, "console-antiforgery");
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/console/sign-in") { Content = SignInForm(await signIn.Content.ReadAsStringAsync(Ct), "dev-housing") };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        var session = Cookie(await console.SendAsync(post, Ct), "console-session");
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Over_http_on_loopback_the_console_s_cookies_are_http_only_and_same_site_but_not_secure()
    {
        // A browser drops a Secure cookie sent over plain HTTP, which would leave local development unable to sign in.
        using var console = platform.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://127.0.0.1"), AllowAutoRedirect = false });
        var signIn = await console.GetAsync("/console/sign-in", Ct);
        var antiforgery = Cookie(signIn, "console-antiforgery");
        var session = Cookie(await console.PostAsync("/console/sign-in", SignInForm(await signIn.Content.ReadAsStringAsync(Ct), "dev-housing"), Ct), "console-session");

        foreach (var cookie in new[] { antiforgery, session })
        {
            Assert.DoesNotContain("; secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Matches("(?i); samesite=(lax|strict)", cookie);
        }
    }

    [Fact]
    public async Task In_production_health_is_unhealthy_while_nobody_can_sign_in_and_healthy_once_a_key_is_configured()
    {
        using var nobody = new PlatformFactory("Production");
        var unhealthy = await (await nobody.CreateClient().GetAsync("/api/health", Ct)).ReadJsonAsync(HttpStatusCode.ServiceUnavailable);
        var identity = unhealthy.GetProperty("checks").GetProperty("identity");
        Assert.Equal("unhealthy", identity.GetProperty("status").GetString());
        Assert.Contains("No identity provider", identity.GetProperty("description").GetString(), StringComparison.Ordinal);

        using var keyed = new PlatformFactory("Production").With("Identity:ApiKeys:housing:0", ApiKeyDirectory.Hash("housing-production-key"));
        var healthy = await (await keyed.CreateClient().GetAsync("/api/health", Ct)).ReadJsonAsync();
        Assert.Equal("healthy", healthy.GetProperty("checks").GetProperty("identity").GetProperty("status").GetString());
    }

    [Fact]
    public async Task In_production_the_openapi_document_needs_a_signed_in_caller_unless_it_is_public()
    {
        const string key = "housing-production-key";
        using var production = new PlatformFactory("Production").With("Identity:ApiKeys:housing:0", ApiKeyDirectory.Hash(key));
        var refused = await production.CreateClient().GetAsync("/openapi/v1.json", Ct);
        await refused.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        AssertSecurityHeaders(refused.Headers.Select(h => (h.Key, string.Join(", ", h.Value))));

        using var signedIn = production.CreateClient();
        signedIn.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var document = await (await signedIn.GetAsync("/openapi/v1.json", Ct)).ReadJsonAsync();
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/me", out _));

        using var published = new PlatformFactory("Production").With("Identity:ApiKeys:housing:0", ApiKeyDirectory.Hash(key)).With("OpenApi:Public", "true");
        await (await published.CreateClient().GetAsync("/openapi/v1.json", Ct)).ReadJsonAsync();
    }

    private static void AssertSecurityHeaders(IEnumerable<(string Name, string Value)> headers)
    {
        var all = headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("nosniff", all.GetValueOrDefault("X-Content-Type-Options"));
        Assert.Equal("DENY", all.GetValueOrDefault("X-Frame-Options"));
        var policy = all.GetValueOrDefault("Content-Security-Policy") ?? "";
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d, StringComparer.Ordinal);
        Assert.Equal("frame-ancestors 'none'", directives.GetValueOrDefault("frame-ancestors"));
        Assert.Equal("default-src 'none'", directives.GetValueOrDefault("default-src"));
        Assert.Equal("script-src 'none'", directives.GetValueOrDefault("script-src"));
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
    }

    private static string Cookie(HttpResponseMessage response, string name)
    {
        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var cookies), $"no cookie set ({(int)response.StatusCode})");
        return Assert.Single(cookies, c => c.StartsWith(name + "=", StringComparison.Ordinal));
    }

    private static FormUrlEncodedContent SignInForm(string page, string key)
    {
        var token = HiddenField().Match(page);
        Assert.True(token.Success, "the sign-in page has no anti-forgery field");
        return new FormUrlEncodedContent([new("key", key), new(token.Groups["name"].Value, WebUtility.HtmlDecode(token.Groups["value"].Value))]);
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]+)"\s*/?>""")]
    private static partial Regex HiddenField();

    /// <summary>A response that runs its OnStarting callbacks when told to, as a server does before it sends the headers.</summary>
    private sealed class StartingResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> starting = [];

        public StartingResponseFeature() => Body = new MemoryStream();

        public override void OnStarting(Func<object, Task> callback, object state) => starting.Add((callback, state));

        public async Task StartAsync()
        {
            foreach (var (callback, state) in Enumerable.Reverse(starting))
            {
                await callback(state);
            }
        }
    }
}
