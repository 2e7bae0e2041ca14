using System.Net;
using System.Text.RegularExpressions;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Identity.EntraId;

/// <summary>
/// 使用统一身份认证登录 end to end, without a browser: the app on Kestrel, the loopback provider, and an HTTP client that
/// follows every redirect with a cookie jar, as a browser would, through the authorization code flow with PKCE.
/// </summary>
[Trait("lane", "integration")]
public sealed partial class ConsoleEntraSignInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_code_flow_through_the_provider_ends_signed_in_as_the_mapped_department()
    {
        await using var provider = await LoopbackOpenIdProvider.StartAsync(Ct);
        using var platform = OnKestrel(provider);
        using var browser = Browser(platform);
        provider.NextUserRoles = ["Department.Housing"];

        var signIn = await browser.GetStringAsync("/console/sign-in", Ct);
        Assert.Contains("使用统一身份认证登录", signIn, StringComparison.Ordinal);
        var landed = await browser.PostAsync("/console/sign-in/entra", AntiforgeryForm(signIn), Ct);

        var page = await landed.Content.ReadAsStringAsync(Ct);
        Assert.True(landed.StatusCode == HttpStatusCode.OK, page);
        Assert.Equal("/console/queue", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("威海市住房和城乡建设局", page, StringComparison.Ordinal);
        Assert.Contains("没有待认领的审批。", page, StringComparison.Ordinal);

        var authorize = Assert.Single(provider.AuthorizationRequests);
        Assert.Equal("code", authorize["response_type"]);
        // The code comes back in the query (the default for response_type=code, so the handler may leave it unsaid).
        Assert.Equal("query", authorize.GetValueOrDefault("response_mode", "query"));
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Equal(1, provider.CodesRedeemed);

        // The cookie is the console's own: it keeps the person signed in on the next page.
        var again = await browser.GetAsync("/console/queue", Ct);
        Assert.Equal("/console/queue", again.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Theory]
    [InlineData("Mail.Reader")]
    [InlineData("Department.Housing,Department.Water")]
    public async Task A_person_whose_roles_map_to_no_single_principal_is_sent_back_to_sign_in_saying_so(string roles)
    {
        await using var provider = await LoopbackOpenIdProvider.StartAsync(Ct);
        using var platform = OnKestrel(provider);
        using var browser = Browser(platform);
        provider.NextUserRoles = roles.Split(',');

        var signIn = await browser.GetStringAsync("/console/sign-in", Ct);
        var landed = await browser.PostAsync("/console/sign-in/entra", AntiforgeryForm(signIn), Ct);

        Assert.Equal("/console/sign-in", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("未对应到唯一的部门或系统", await landed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var queue = await browser.GetAsync("/console/queue", Ct);
        Assert.Equal("/console/sign-in", queue.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Without_its_anti_forgery_token_the_sign_in_never_leaves_for_the_provider()
    {
        await using var provider = await LoopbackOpenIdProvider.StartAsync(Ct);
        using var platform = OnKestrel(provider);
        using var browser = Browser(platform);

        var landed = await browser.PostAsync("/console/sign-in/entra", new FormUrlEncodedContent([]), Ct);

        Assert.Equal("/console/sign-in", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Empty(provider.AuthorizationRequests);
    }

    [Fact]
    public async Task Without_Entra_ID_configured_the_console_offers_keys_only()
    {
        using var platform = new PlatformFactory();
        var client = platform.CreateClient();

        var signIn = await client.GetStringAsync("/console/sign-in", Ct);

        Assert.DoesNotContain("使用统一身份认证登录", signIn, StringComparison.Ordinal);
        Assert.Contains("访问密钥", signIn, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/console/sign-in/entra", new FormUrlEncodedContent([]), Ct)).StatusCode);
    }

    private static PlatformFactory OnKestrel(LoopbackOpenIdProvider provider)
    {
        var platform = EntraIdBearerTests.WithEntraId(new PlatformFactory(), provider).With("urls", "http://127.0.0.1:0");
        platform.UseKestrel();
        platform.StartServer();
        return platform;
    }

    /// <summary>Follows redirects across the app and the provider, keeping cookies, as a browser does (SameSite aside).</summary>
    private static HttpClient Browser(PlatformFactory platform)
    {
        var address = platform.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = new Uri(address),
        };
    }

    private static FormUrlEncodedContent AntiforgeryForm(string page)
    {
        var field = HiddenField().Match(page);
        Assert.True(field.Success, "the sign-in page has no anti-forgery field");
        return new FormUrlEncodedContent([new(field.Groups["name"].Value, WebUtility.HtmlDecode(field.Groups["value"].Value))]);
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]+)"\s*/?>""")]
    private static partial Regex HiddenField();
}
