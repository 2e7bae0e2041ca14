using System.Security.Claims;
using Integration.Domain.Approvals;
using Integration.Domain.Identity;
using Integration.Domain.Kernel;
using Integration.Functions.Approvals;
using Integration.Functions.Calendar;
using Integration.Functions.Console.Overview;
using Integration.Functions.Console.Reports;
using Integration.Functions.Console.Timeline;
using Integration.Functions.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Integration.Functions.Console;

/// <summary>
/// The web console for people (issue 13), served by the local host at <c>/console</c>: static server-rendered
/// components, forms with anti-forgery tokens, a cookie issued for a principal's API key. It calls the same application
/// services the functions call, as the signed-in principal, so it can do exactly what that principal can do by API.
/// It is not a function: the Functions host does not serve it (see docs/architecture.md, "Console").
/// </summary>
public static class ConsoleEndpoints
{
    public const string Scheme = "Console";
    private const long FormLimit = 16 * 1024;

    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        // Chinese text as characters, not numeric references: the pages stay readable as sent, and no smaller.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "console-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure over HTTPS (the antiforgery default never is); plain HTTP is left to loopback development.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "console-session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/console";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/console/sign-in";
        });
        return services;
    }

    public static void MapConsole(this IEndpointRouteBuilder endpoints)
    {
        var console = endpoints.MapGroup("/console").ExcludeFromDescription();
        console.MapGet("/", () => TypedResults.Redirect("/console/queue"));
        console.MapGet("/sign-in", (HttpContext http, ApiKeyDirectory keys) => SignInView(http, keys, ConsoleEntraSignIn.Problem(http.Request)));
        console.MapPost("/sign-in", SignInAsync);
        console.MapConsoleEntraSignIn();
        console.MapPost("/sign-out", (Delegate)SignOutAsync);
        console.MapGet("/queue", QueueAsync);
        console.MapPost("/approvals/{approvalId}/claim", (HttpContext http, string approvalId, ApprovalService approvals, CancellationToken ct) =>
            ActAsync(http, approvalId, (department, form) => approvals.ClaimAsync(approvalId, department, ct), "已认领"));
        console.MapPost("/approvals/{approvalId}/decline", (HttpContext http, string approvalId, ApprovalService approvals, CancellationToken ct) =>
            ActAsync(http, approvalId, (department, form) => approvals.DeclineAsync(approvalId, department, form.Reason!, ct), "已退回", needsReason: true));
        console.MapPost("/approvals/{approvalId}/assign", AssignAsync);
        console.MapLeadConsole();
        console.MapPlanConsole();
        console.MapReportConsole();
        console.MapOverviewConsole();
        console.MapTimelineConsole();
    }

    private static RazorComponentResult SignInView(HttpContext http, ApiKeyDirectory keys, string? error) =>
        new RazorComponentResult<SignInPage>(new { Form = FormFor(http), Error = error, DevelopmentKeys = keys.DevelopmentKeys, EntraSignIn = ConsoleEntraSignIn.IsOffered(http) })
        {
            StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
        };

    private static async Task<IResult> SignInAsync(HttpContext http, ApiKeyDirectory keys)
    {
        if (await ReadFormAsync(http) is not { } form)
        {
            return SignInView(http, keys, "表单已过期，请重新提交。");
        }

        var (principal, _) = string.IsNullOrEmpty(form.Key) ? (null, null) : keys.Resolve(form.Key);
        if (principal is null)
        {
            // The same answer for every refused key: which keys exist is not the caller's to learn.
            return SignInView(http, keys, "密钥无效，或在当前环境不可用。");
        }

        var identity = new ClaimsIdentity(PrincipalClaims.For(principal), Scheme, ClaimTypes.Name, ClaimTypes.Role);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return TypedResults.Redirect("/console/queue");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        if (await SignedInAsync(http) is not null && await ReadFormAsync(http) is not null)
        {
            await http.SignOutAsync(Scheme);
        }

        return TypedResults.Redirect("/console/sign-in");
    }

    private static async Task<IResult> QueueAsync(HttpContext http, ApprovalIndex index, CalendarSource calendar, TimeProvider time, CancellationToken ct)
    {
        if (await SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        var principal = caller.Principal;
        if (!principal.SeesEverything && !principal.Has(PrincipalRole.Department))
        {
            return Queue(http, caller, [], null, "待认领仅供部门与协调机构使用。", StatusCodes.Status403Forbidden);
        }

        var now = time.GetUtcNow();
        var department = principal.SeesEverything ? null : caller.Id;
        // Pending and overdue are told apart by the clock after reading, so each is its own listing.
        var days = calendar.Current;
        var (pending, _) = await index.ListAsync(department, ApprovalStatus.Pending, 100, null, now, days, ct);
        var (overdue, _) = await index.ListAsync(department, ApprovalStatus.Overdue, 100, null, now, days, ct);
        var entries = overdue.Concat(pending).DistinctBy(e => e.ApprovalId);
        var today = ChinaTime.DateOf(now);
        var items = entries
            .SelectMany(e => e.Parts
                .Where(p => p.StatusAt(now, days) is ApprovalStatus.Pending or ApprovalStatus.Overdue && (department is null || p.Department == department))
                .Select(p => (Part: p, Deadline: p.ClaimDeadlineOn(days)))
                .Select(x => new QueueItem(
                    e.ApprovalId, e.ProjectName, e.ProjectCode, e.Industry,
                    x.Deadline.Deadline.ToString("yyyy年M月d日", System.Globalization.CultureInfo.InvariantCulture),
                    now >= x.Deadline.DueAt ? 0 : days.WorkingDaysBetween(today.AddDays(-1), x.Deadline.Deadline),
                    now >= x.Deadline.DueAt,
                    x.Deadline.Provisional,
                    x.Part.Department == caller.Id,
                    x.Part.Department)))
            .OrderBy(i => i.Overdue ? 0 : 1).ThenBy(i => i.WorkingDaysLeft)
            .ToArray();
        var registry = http.RequestServices.GetRequiredService<PrincipalRegistry>();
        string? notice = http.Request.Query["done"] is { Count: 1 } done && http.Request.Query["id"] is { Count: 1 } id && ApprovalReader.IsValidId(id.ToString())
            ? done.ToString() switch
            {
                "claim" => $"{id} 已认领。",
                "assign" when registry.Find(http.Request.Query["to"].ToString()) is { } to => $"{id} 已分派给{to.DisplayName}。",
                _ => $"{id} 已退回。",
            }
            : null;
        var named = items.Select(i => i with { WaitingOn = registry.Find(i.WaitingOn ?? "")?.DisplayName ?? i.WaitingOn }).ToArray();
        return Queue(http, caller, named, notice, null, StatusCodes.Status200OK);
    }

    private static RazorComponentResult Queue(HttpContext http, Caller caller, IReadOnlyList<QueueItem> items, string? notice, string? error, int status)
    {
        // Only the coordinator assigns (the API's rule); it is shown every department it may assign to.
        var registry = http.RequestServices.GetRequiredService<PrincipalRegistry>();
        var assignTo = caller.Principal.Has(PrincipalRole.Coordinator)
            ? registry.All.Where(p => p.Has(PrincipalRole.Department) && p.Id != caller.Id).OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => new ConsoleChoice(p.Id, p.DisplayName)).ToArray()
            : [];
        var claimDays = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApprovalOptions>>().Value.ClaimWorkingDays;
        return new RazorComponentResult<QueuePage>(new { Model = new QueueModel("待认领", caller.Principal.DisplayName, FormFor(http), items, notice, error) { AssignTo = assignTo, ClaimWorkingDays = claimDays } })
        {
            StatusCode = status,
        };
    }

    /// <summary>The coordinator routes an approval to a department by hand (ApprovalService's assign, as <c>POST /api/approvals/{id}/assign</c>).</summary>
    private static async Task<IResult> AssignAsync(HttpContext http, string approvalId, ApprovalService approvals, PrincipalRegistry registry, CancellationToken ct)
    {
        if (await SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (await ReadFormAsync(http) is not { } form)
        {
            return Queue(http, caller, [], null, "表单已过期，请返回待认领重新操作。", StatusCodes.Status400BadRequest);
        }

        if (!caller.Principal.Has(PrincipalRole.Coordinator) || !ApprovalReader.IsValidId(approvalId))
        {
            return Queue(http, caller, [], null, "只有协调机构可以分派审批。", StatusCodes.Status403Forbidden);
        }

        var department = form.Field("department");
        if (!registry.IsDepartment(department) || department == caller.Id)
        {
            return Queue(http, caller, [], null, "请选择要分派的部门。", StatusCodes.Status400BadRequest);
        }

        var result = await approvals.AssignAsync(approvalId, caller.Id, department, ct);
        return result.Outcome switch
        {
            CommandOutcome.Changed or CommandOutcome.Unchanged when result.Record is not null =>
                TypedResults.Redirect($"/console/queue?done=assign&id={Uri.EscapeDataString(approvalId)}&to={Uri.EscapeDataString(department)}"),
            CommandOutcome.NotRouted or CommandOutcome.Changed or CommandOutcome.Unchanged =>
                Queue(http, caller, [], null, $"审批 {TextRules.Echo(approvalId)} 不存在。", StatusCodes.Status404NotFound),
            _ => Queue(http, caller, [], null, $"审批 {TextRules.Echo(approvalId)} 的当前状态不允许分派。", StatusCodes.Status409Conflict),
        };
    }

    private static async Task<IResult> ActAsync(HttpContext http, string approvalId, Func<string, ConsoleFormValues, Task<CommandResult>> act, string done, bool needsReason = false)
    {
        if (await SignedInAsync(http) is not { } caller)
        {
            return TypedResults.Redirect("/console/sign-in");
        }

        if (await ReadFormAsync(http) is not { } form)
        {
            return Queue(http, caller, [], null, "表单已过期，请返回待认领重新操作。", StatusCodes.Status400BadRequest);
        }

        if (!caller.Principal.Has(PrincipalRole.Department) || !ApprovalReader.IsValidId(approvalId))
        {
            return Queue(http, caller, [], null, "无权办理此审批。", StatusCodes.Status403Forbidden);
        }

        if (needsReason && (string.IsNullOrWhiteSpace(form.Reason) || form.Reason.Length > 1000 || TextRules.Problem(form.Reason) is not null))
        {
            return Queue(http, caller, [], null, "请填写退回理由（不超过 1000 字，不含控制字符）。", StatusCodes.Status400BadRequest);
        }

        var result = await act(caller.Id, form);
        return result.Outcome switch
        {
            CommandOutcome.Changed or CommandOutcome.Unchanged when result.Record is not null =>
                TypedResults.Redirect($"/console/queue?done={(done == "已认领" ? "claim" : "decline")}&id={Uri.EscapeDataString(approvalId)}"),
            CommandOutcome.NotRouted or CommandOutcome.Changed or CommandOutcome.Unchanged =>
                Queue(http, caller, [], null, $"审批 {TextRules.Echo(approvalId)} 不存在或未分派给本部门。", StatusCodes.Status404NotFound),
            _ => Queue(http, caller, [], null, $"审批 {TextRules.Echo(approvalId)} 的当前状态不允许此操作。", StatusCodes.Status409Conflict),
        };
    }

    /// <summary>The console's signed-in principal, also set as the request's user so anti-forgery tokens are bound to it.</summary>
    internal static async Task<Caller?> SignedInAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        var id = result.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!result.Succeeded || id is null || http.RequestServices.GetRequiredService<PrincipalRegistry>().Find(id) is not { } principal)
        {
            return null;
        }

        http.User = result.Principal!;
        return new Caller(principal);
    }

    internal static ConsoleForm FormFor(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return new ConsoleForm(tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>The posted form, when its anti-forgery token is valid; a form is a few fields, so it is read up to 16 KiB.</summary>
    internal static async Task<ConsoleFormValues?> ReadFormAsync(HttpContext http) =>
        await ReadFormFieldsAsync(http) is { } form ? new ConsoleFormValues(form["key"].ToString(), form["reason"].ToString()) { Fields = form } : null;

    /// <summary>Every field of the posted form, when its anti-forgery token is valid; null otherwise.</summary>
    internal static async Task<IFormCollection?> ReadFormFieldsAsync(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = FormLimit;
        }

        if (!http.Request.HasFormContentType || http.Request.ContentLength > FormLimit)
        {
            return null;
        }

        try
        {
            if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            {
                return null;
            }

            return await http.Request.ReadFormAsync();
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or AntiforgeryValidationException or IOException)
        {
            // A body that is not the form it claims to be (a broken multipart boundary, a cut-off body, one over the
            // limit) is the sender's mistake: the caller's page says so with a 400, as for an expired token.
            return null;
        }
    }
}

public sealed record ConsoleFormValues(string Key, string? Reason)
{
    /// <summary>Every posted field, for the forms that carry more than a key or a reason.</summary>
    public IFormCollection Fields { get; init; } = FormCollection.Empty;

    public string Field(string name) => Fields[name].ToString();
}
