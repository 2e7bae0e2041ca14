using System.Net;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Identity.EntraId;

/// <summary>
/// The <c>Identity:EntraId</c> section: Microsoft Entra ID tokens accepted beside API keys, and the console's
/// OpenID Connect sign-in. Off while <see cref="TenantId"/> is empty. <see cref="Principals"/> maps each principal
/// to the app role values (the token's <c>roles</c> claim) that stand for it, separated by commas.
/// </summary>
public sealed class EntraIdOptions
{
    public const string Section = "Identity:EntraId";
    public const string PublicCloudInstance = "https://login.microsoftonline.com/";

    /// <summary>The cloud's sign-in host: the public cloud by default, <c>https://login.partner.microsoftonline.cn/</c> in Azure China.</summary>
    public string Instance { get; set; } = PublicCloudInstance;

    /// <summary>The directory (tenant) id, or its verified domain; a single tenant, never <c>common</c>.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The API's application id URI (<c>api://…</c>) or client id: the <c>aud</c> bearer tokens must carry.</summary>
    public string Audience { get; set; } = "";

    /// <summary>The app registration's client id: also accepted as audience, and the console's OpenID Connect client.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The console client's secret for redeeming the authorization code; on Azure a Key Vault reference, never a literal.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Principal id → its app role values, comma separated, e.g. <c>housing</c> = <c>Department.Housing</c>.</summary>
    public Dictionary<string, string> Principals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Accept an <c>http://</c> <see cref="Instance"/> on a loopback address (a local test provider). Refused with any
    /// other host: metadata and keys fetched over plain HTTP could be forged by anyone on the path.
    /// </summary>
    public bool AllowHttpOnLoopback { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(TenantId);

    /// <summary>Whether the console offers 使用统一身份认证登录: Entra ID on and a client to sign in with.</summary>
    public bool ConsoleSignIn => Enabled && !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The v2.0 authority of the tenant, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public string Authority => $"{Instance.TrimEnd('/')}/{TenantId.Trim()}/v2.0";

    public IReadOnlyList<string> Audiences =>
        new[] { Audience, ClientId }.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Distinct(StringComparer.Ordinal).ToArray();

    public static IEnumerable<string> RoleValues(string configured) =>
        configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Every problem with <c>Identity:EntraId</c>, each naming its key, checked at start-up.</summary>
public sealed class EntraIdOptionsValidation(PrincipalRegistry registry) : IValidateOptions<EntraIdOptions>
{
    private static readonly string[] MultiTenant = ["common", "organizations", "consumers"];

    public ValidateOptionsResult Validate(string? name, EntraIdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = EntraIdOptions.Section;
        var problems = new List<string>();
        if (!options.Enabled)
        {
            if (options.Audience.Length > 0 || options.ClientId.Length > 0 || options.Principals.Count > 0)
            {
                problems.Add($"{s}:TenantId is required when {s}:Audience, ClientId or Principals is set.");
            }

            return Result(problems);
        }

        var tenant = options.TenantId.Trim();
        if (MultiTenant.Contains(tenant, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"{s}:TenantId is '{tenant}': name the one tenant whose tokens are accepted.");
        }
        else if (tenant.Length > 253 || !tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            problems.Add($"{s}:TenantId holds {TextRules.Echo(tenant)}, which is neither a tenant id nor a domain name.");
        }

        if (!Uri.TryCreate(options.Instance, UriKind.Absolute, out var instance) || instance.AbsolutePath != "/" || instance.Query.Length > 0)
        {
            problems.Add($"{s}:Instance holds {TextRules.Echo(options.Instance)}, which is not the URL of a sign-in host (e.g. {EntraIdOptions.PublicCloudInstance}).");
        }
        else if (instance.Scheme != Uri.UriSchemeHttps && !(instance.Scheme == Uri.UriSchemeHttp && options.AllowHttpOnLoopback && IsLoopback(instance)))
        {
            problems.Add($"{s}:Instance must be https ({s}:AllowHttpOnLoopback admits http on a loopback address only).");
        }
        else if (options.AllowHttpOnLoopback && !IsLoopback(instance))
        {
            problems.Add($"{s}:AllowHttpOnLoopback is on while {s}:Instance is not a loopback address.");
        }

        if (options.Audiences.Count == 0)
        {
            problems.Add($"{s}:Audience (or {s}:ClientId) is required: the audience bearer tokens must carry.");
        }

        if (options.Principals.Count == 0)
        {
            problems.Add($"{s}:Principals maps no principal: no token could sign in.");
        }

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, configured) in options.Principals)
        {
            if (registry.Find(id) is null)
            {
                problems.Add($"{s}:Principals names '{id}', which is not a principal of {registry.Municipality}.");
                continue;
            }

            var values = EntraIdOptions.RoleValues(configured).ToArray();
            if (values.Length == 0)
            {
                problems.Add($"{s}:Principals:{id} names no app role value.");
            }

            foreach (var value in values)
            {
                if (value.Length > 120 || TextRules.Problem(value) is not null || value.Any(char.IsWhiteSpace))
                {
                    problems.Add($"{s}:Principals:{id} holds {TextRules.Echo(value)}, which is not an app role value.");
                }
                else if (!owners.TryAdd(value, id) && owners[value] != id)
                {
                    problems.Add($"{s}:Principals:{id} reuses the app role value '{value}' of '{owners[value]}'.");
                }
            }
        }

        return Result(problems);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static ValidateOptionsResult Result(List<string> problems) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
}
