using System.Net;
using System.Net.Sockets;

namespace Integration.Tests.Identity.EntraId;

/// <summary>
/// The provider listens on the host its sign-in URL names: behind <c>localhost</c> on both loopback addresses, since a
/// browser or HttpClient may resolve the name to ::1 as well as to 127.0.0.1.
/// </summary>
[Trait("lane", "integration")]
public sealed class LoopbackOpenIdProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Behind_localhost_the_discovery_document_answers_on_127_0_0_1_and_on_ipv6_loopback()
    {
        Assert.SkipUnless(Socket.OSSupportsIPv6, "this machine has no IPv6");
        await using var provider = await LoopbackOpenIdProvider.StartAsync(Ct, hostName: "localhost");
        Assert.Equal("localhost", provider.Instance.Host);

        using var client = new HttpClient();
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            var discovery = new UriBuilder(provider.Instance) { Host = address.ToString(), Path = $"{LoopbackOpenIdProvider.TenantId}/v2.0/.well-known/openid-configuration" }.Uri;
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(discovery, Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Behind_an_address_it_listens_on_that_address_and_its_url_names_it()
    {
        await using var provider = await LoopbackOpenIdProvider.StartAsync(Ct);
        Assert.Equal("127.0.0.1", provider.Instance.Host);

        using var client = new HttpClient();
        var discovery = new Uri(provider.Instance, $"{LoopbackOpenIdProvider.TenantId}/v2.0/.well-known/openid-configuration");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(discovery, Ct)).StatusCode);
    }
}
