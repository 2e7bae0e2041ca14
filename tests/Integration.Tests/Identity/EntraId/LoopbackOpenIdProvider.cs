using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Integration.Tests.Identity.EntraId;

/// <summary>
/// An OpenID provider shaped like an Entra ID tenant, on Kestrel at the loopback host it is asked for: the v2.0 discovery document, the JWKS
/// with an RSA key this class holds, an authorize endpoint that signs in <see cref="NextUserRoles"/> at once and
/// redirects with a code, and a token endpoint that redeems the code only with the client's secret and the PKCE
/// verifier matching the challenge. It also mints access tokens for the API tests, valid or broken on purpose.
/// </summary>
public sealed class LoopbackOpenIdProvider : IAsyncDisposable
{
    public const string TenantId = "5b0e4f5c-7a1d-4c3e-9d55-2f0c3a9b1e01";
    public const string ClientId = "0c7e2d8a-41f6-4b0e-8a3b-6f1d2c9e7a55";
    public const string ClientSecret = "loopback-client-secret";
    public const string ApiAudience = "api://weihai-tendering-integration";

    private readonly WebApplication app;
    private readonly RsaSecurityKey key;
    private readonly ConcurrentDictionary<string, PendingCode> codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> pending = new(StringComparer.Ordinal);

    private LoopbackOpenIdProvider(WebApplication app, RsaSecurityKey key)
    {
        this.app = app;
        this.key = key;
    }

    /// <summary>The sign-in host, as <c>Identity:EntraId:Instance</c> takes it (<c>http://127.0.0.1:port/</c>).</summary>
    public Uri Instance { get; private set; } = new("http://127.0.0.1/");

    public string Issuer => $"{Instance}{TenantId}/v2.0";

    /// <summary>The app roles of whoever signs in next at the authorize endpoint.</summary>
    public IReadOnlyList<string> NextUserRoles { get; set; } = [];

    /// <summary>
    /// Answer the authorization request with a sign-in page whose button, pressed in the browser, sends the code back, as
    /// Entra ID's own pages do: the navigation back to the app then starts on the provider's site, not the app's.
    /// </summary>
    public bool Interactive { get; set; }

    /// <summary>The query of every authorization request, in order.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> AuthorizationRequests { get; } = new();

    /// <summary>Codes redeemed with a matching secret and PKCE verifier.</summary>
    public int CodesRedeemed => redeemed;

    private int redeemed;

    /// <summary>
    /// Starts the provider listening on <paramref name="hostName"/>, the name it is reached by: an address, or
    /// <c>localhost</c> (both 127.0.0.1 and ::1), which makes it another site than the app at 127.0.0.1.
    /// </summary>
    public static async Task<LoopbackOpenIdProvider> StartAsync(CancellationToken ct, string hostName = "127.0.0.1")
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackAddress.PortFor(hostName);
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(k => LoopbackAddress.Listen(k, hostName, port));
            var app = builder.Build();
            var provider = new LoopbackOpenIdProvider(app, new RsaSecurityKey(RSA.Create(2048)) { KeyId = "loopback-key-1" });
            app.Run(provider.HandleAsync);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException) when (port != 0 && attempt < LoopbackAddress.Attempts)
            {
                // Another process took the port between the probe and the bind.
                await app.DisposeAsync();
                continue;
            }

            // With port 0 Kestrel picked the port: the address is known only now.
            var bound = port != 0 ? port : new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
            provider.Instance = new UriBuilder(Uri.UriSchemeHttp, hostName, bound, "/").Uri;
            return provider;
        }
    }

    /// <summary>An access token as Entra ID issues one for the API, with whatever is wrong with it on purpose.</summary>
    public string AccessToken(
        IReadOnlyList<string> roles,
        string? audience = ApiAudience,
        string? issuer = null,
        TimeSpan? expiresIn = null,
        SecurityKey? signingKey = null)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        var claims = new Dictionary<string, object>
        {
            ["tid"] = TenantId,
            ["oid"] = Guid.NewGuid().ToString(),
            ["azp"] = Guid.NewGuid().ToString(),
            ["ver"] = "2.0",
        };
        if (roles.Count > 0)
        {
            claims["roles"] = roles.ToArray();
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expires.AddHours(-2) < now ? expires.AddHours(-2) : now,
            NotBefore = expires.AddHours(-2) < now ? expires.AddHours(-2) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(signingKey ?? key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        key.Rsa?.Dispose();
    }

    private Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var tenant = $"/{TenantId}";
        return path switch
        {
            _ when path == $"{tenant}/v2.0/.well-known/openid-configuration" => http.Response.WriteAsJsonAsync(Discovery(http)),
            _ when path == $"{tenant}/discovery/v2.0/keys" => http.Response.WriteAsJsonAsync(Keys()),
            _ when path == $"{tenant}/oauth2/v2.0/authorize" && HttpMethods.IsGet(http.Request.Method) => AuthorizeAsync(http),
            _ when path == $"{tenant}/oauth2/v2.0/token" && HttpMethods.IsPost(http.Request.Method) => TokenAsync(http),
            _ when path == $"{tenant}/oauth2/v2.0/authorize/continue" && pending.TryRemove(http.Request.Query["request"].ToString(), out var back) => Redirect(http, back),
            _ => NotFound(http),
        };
    }

    private object Discovery(HttpContext http)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}/{TenantId}";
        return new Dictionary<string, object>
        {
            ["issuer"] = $"{origin}/v2.0",
            ["authorization_endpoint"] = $"{origin}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{origin}/oauth2/v2.0/token",
            ["jwks_uri"] = $"{origin}/discovery/v2.0/keys",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query" },
            ["subject_types_supported"] = new[] { "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = new[] { "openid", "profile" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post" },
        };
    }

    private object Keys()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        return new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } };
    }

    private Task AuthorizeAsync(HttpContext http)
    {
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        AuthorizationRequests.Enqueue(query);
        if (query.GetValueOrDefault("client_id") != ClientId || query.GetValueOrDefault("response_type") != "code"
            || query.GetValueOrDefault("code_challenge_method") != "S256" || string.IsNullOrEmpty(query.GetValueOrDefault("code_challenge"))
            || !Uri.TryCreate(query.GetValueOrDefault("redirect_uri"), UriKind.Absolute, out var redirect))
        {
            return Error(http, "invalid_request");
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        codes[code] = new PendingCode(redirect.ToString(), query.GetValueOrDefault("nonce"), query["code_challenge"], NextUserRoles.ToArray());
        var back = QueryHelpers.AddQueryString(redirect.ToString(), new Dictionary<string, string?> { ["code"] = code, ["state"] = query.GetValueOrDefault("state") });
        if (!Interactive)
        {
            return Redirect(http, back);
        }

        var request = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        pending[request] = back;
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync($"""
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>登录</title></head><body>
            <form method="get" action="/{TenantId}/oauth2/v2.0/authorize/continue">
            <input type="hidden" name="request" value="{request}"><button type="submit">登录</button></form></body></html>
            """);
    }

    private static Task Redirect(HttpContext http, string location)
    {
        http.Response.Redirect(location);
        return Task.CompletedTask;
    }

    private async Task TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            await Error(http, "invalid_client");
            return;
        }

        // A code is good once, for the redirect it was issued to, with the verifier whose hash was the challenge.
        if (!codes.TryRemove(form["code"].ToString(), out var pending) || form["redirect_uri"] != pending.RedirectUri
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != pending.CodeChallenge)
        {
            await Error(http, "invalid_grant");
            return;
        }

        Interlocked.Increment(ref redeemed);
        var accessToken = AccessToken(pending.Roles, audience: ClientId);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var idClaims = new Dictionary<string, object>
        {
            ["tid"] = TenantId,
            ["sub"] = "loopback-user",
            ["oid"] = "6a1b9c3d-0000-4000-8000-000000000001",
            ["name"] = "测试用户",
            ["preferred_username"] = "tester@weihai.example",
            ["ver"] = "2.0",
            ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
        };
        if (pending.Nonce is not null)
        {
            idClaims["nonce"] = pending.Nonce;
        }

        if (pending.Roles.Length > 0)
        {
            idClaims["roles"] = pending.Roles;
        }

        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Claims = idClaims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["access_token"] = accessToken,
            ["id_token"] = idToken,
            ["expires_in"] = 3600,
            ["scope"] = "openid profile",
        });
    }

    private static Task Error(HttpContext http, string error)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return http.Response.WriteAsync(JsonSerializer.Serialize(new { error }));
    }

    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private sealed record PendingCode(string RedirectUri, string? Nonce, string CodeChallenge, string[] Roles);
}
