using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Integration.Functions.Platform.Hosting;

/// <summary>
/// Every <c>[Function]</c> method of the app, found by reflection, with its trigger as the Functions
/// SDK writes it into <c>functions.metadata</c>. The local host serves exactly this list; under the
/// Functions host the worker middleware looks a function's authorization up here. A function whose
/// parameters the worker could not bind fails here, at start-up, rather than on Azure.
/// </summary>
public sealed class FunctionIndex
{
    /// <summary>The HTTP route prefix; <c>extensions.http.routePrefix</c> in host.json says the same (a test holds them together).</summary>
    public const string RoutePrefix = "api";

    private readonly Dictionary<string, FunctionDescriptor> byName = new(StringComparer.Ordinal);

    public FunctionIndex(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var problems = new List<string>();
        foreach (var method in types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            var descriptor = Describe(function.Name, method, problems);
            if (descriptor is null)
            {
                continue;
            }

            if (!byName.TryAdd(descriptor.Name, descriptor))
            {
                problems.Add($"Function '{descriptor.Name}' is declared twice: {Where(byName[descriptor.Name].Method)} and {Where(method)}.");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The app's functions cannot be hosted:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }

    /// <summary>The functions of this app (the assembly that holds <see cref="Program"/>).</summary>
    public static FunctionIndex ForApp { get; } = new(typeof(Program).Assembly.GetTypes());

    public IReadOnlyCollection<FunctionDescriptor> Functions => byName.Values;

    public IEnumerable<HttpFunctionDescriptor> Http => byName.Values.OfType<HttpFunctionDescriptor>();

    public IEnumerable<TimerFunctionDescriptor> Timers => byName.Values.OfType<TimerFunctionDescriptor>();

    public IEnumerable<OrchestrationFunctionDescriptor> Orchestrations => byName.Values.OfType<OrchestrationFunctionDescriptor>();

    public IEnumerable<ActivityFunctionDescriptor> Activities => byName.Values.OfType<ActivityFunctionDescriptor>();

    public FunctionDescriptor? Find(string name) => byName.GetValueOrDefault(name);

    private static FunctionDescriptor? Describe(string name, MethodInfo method, List<string> problems)
    {
        var triggers = method.GetParameters()
            .Select(p => (Parameter: p, Trigger: p.GetCustomAttribute<Microsoft.Azure.Functions.Worker.Extensions.Abstractions.TriggerBindingAttribute>()))
            .Where(p => p.Trigger is not null)
            .ToArray();
        if (triggers.Length != 1)
        {
            problems.Add($"Function '{name}' ({Where(method)}) needs exactly one trigger parameter, it has {triggers.Length}.");
            return null;
        }

        var (parameter, trigger) = triggers[0];
        switch (trigger)
        {
            case HttpTriggerAttribute http:
                return DescribeHttp(name, method, parameter, http, problems);
            case TimerTriggerAttribute timer:
                return DescribeTimer(name, method, parameter, timer, problems);
            case OrchestrationTriggerAttribute:
                return DescribeOrchestration(name, method, parameter, problems);
            case ActivityTriggerAttribute:
                return DescribeActivity(name, method, parameter, problems);
            default:
                problems.Add($"Function '{name}' ({Where(method)}) has a {BindingType(trigger!)} trigger, which the local host does not run.");
                return null;
        }
    }

    private static HttpFunctionDescriptor? DescribeHttp(string name, MethodInfo method, ParameterInfo trigger, HttpTriggerAttribute http, List<string> problems)
    {
        var route = http.Route ?? name;
        var routeParameters = RoutePatternFactory.Parse(route).Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var count = problems.Count;
        if (trigger.ParameterType != typeof(HttpRequest))
        {
            problems.Add($"Function '{name}': the HTTP trigger parameter must be an HttpRequest.");
        }

        if (http.Methods is not { Length: > 0 })
        {
            problems.Add($"Function '{name}': name the HTTP methods it answers.");
        }

        if (http.AuthLevel != AuthorizationLevel.Anonymous)
        {
            problems.Add($"Function '{name}': the authorization level must be Anonymous; callers are authenticated by the app, not by function keys.");
        }

        foreach (var p in method.GetParameters().Where(p => p != trigger && p.ParameterType != typeof(CancellationToken) && !IsDurableClient(p)))
        {
            if (p.ParameterType != typeof(string) || !routeParameters.Contains(p.Name!))
            {
                problems.Add($"Function '{name}': parameter '{p.Name}' ({p.ParameterType.Name}) is neither a route value, a CancellationToken nor a [DurableClient] DurableTaskClient. " +
                    "The worker binds nothing else: take services in the constructor and read the query and body from the request.");
            }
        }

        var authorize = method.GetCustomAttributes().OfType<IAuthorizeData>().ToArray();
        var anonymous = method.GetCustomAttributes().OfType<IAllowAnonymous>().Any();
        if (authorize.Length == 0 && !anonymous)
        {
            problems.Add($"Function '{name}': say who may call it with [Authorize] or [AllowAnonymous].");
        }

        if (problems.Count > count)
        {
            return null;
        }

        return new HttpFunctionDescriptor(name, method, http.Methods!.Select(m => m.ToUpperInvariant()).ToArray(), route, authorize, anonymous);
    }

    private static TimerFunctionDescriptor? DescribeTimer(string name, MethodInfo method, ParameterInfo trigger, TimerTriggerAttribute timer, List<string> problems)
    {
        var count = problems.Count;
        if (trigger.ParameterType != typeof(TimerInfo))
        {
            problems.Add($"Function '{name}': the timer trigger parameter must be a TimerInfo.");
        }

        foreach (var p in method.GetParameters().Where(p => p != trigger && p.ParameterType != typeof(CancellationToken) && !IsDurableClient(p)))
        {
            problems.Add($"Function '{name}': parameter '{p.Name}' ({p.ParameterType.Name}) cannot be bound; take services in the constructor.");
        }

        return problems.Count > count ? null : new TimerFunctionDescriptor(name, method, timer.Schedule);
    }

    // The wrapper sits on the TaskOrchestrator class it runs, so the local worker can register that class under the same name.
    private static OrchestrationFunctionDescriptor? DescribeOrchestration(string name, MethodInfo method, ParameterInfo trigger, List<string> problems)
    {
        var count = problems.Count;
        if (!method.IsStatic || !typeof(ITaskOrchestrator).IsAssignableFrom(method.DeclaringType))
        {
            problems.Add($"Function '{name}' ({Where(method)}): an orchestration trigger must be a static method of the TaskOrchestrator class it runs.");
        }

        if (trigger.ParameterType != typeof(TaskOrchestrationContext) || method.GetParameters().Length != 1)
        {
            problems.Add($"Function '{name}': an orchestration wrapper takes only its TaskOrchestrationContext (the input is read from it).");
        }

        return problems.Count > count ? null : new OrchestrationFunctionDescriptor(name, method, method.DeclaringType!);
    }

    private static ActivityFunctionDescriptor? DescribeActivity(string name, MethodInfo method, ParameterInfo trigger, List<string> problems)
    {
        var count = problems.Count;
        if (!method.IsStatic || !typeof(ITaskActivity).IsAssignableFrom(method.DeclaringType))
        {
            problems.Add($"Function '{name}' ({Where(method)}): an activity trigger must be a static method of the TaskActivity class it runs.");
        }
        else if (ActivityInputType(method.DeclaringType!) is { } input && input != trigger.ParameterType)
        {
            problems.Add($"Function '{name}': the activity trigger parameter must be the activity's input type.");
        }

        foreach (var p in method.GetParameters().Where(p => p != trigger && p.ParameterType != typeof(FunctionContext)))
        {
            problems.Add($"Function '{name}': parameter '{p.Name}' ({p.ParameterType.Name}) cannot be bound; the activity takes its services in its constructor.");
        }

        return problems.Count > count ? null : new ActivityFunctionDescriptor(name, method, method.DeclaringType!);
    }

    /// <summary>
    /// A <c>[DurableClient] DurableTaskClient</c> parameter: the worker binds the extension's client to it; the local host
    /// binds the local engine's client from the container (null when <c>Durable:Engine=Off</c>, so declare it nullable).
    /// </summary>
    public static bool IsDurableClient(ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.ParameterType == typeof(DurableTaskClient) && parameter.GetCustomAttribute<DurableClientAttribute>() is not null;
    }

    private static Type? ActivityInputType(Type activity)
    {
        for (var type = activity; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TaskActivity<,>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    /// <summary>The binding type the SDK writes for a trigger attribute: <c>HttpTriggerAttribute</c> is <c>httpTrigger</c>.</summary>
    public static string BindingType(Attribute trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var type = trigger.GetType().Name;
        type = type.EndsWith("Attribute", StringComparison.Ordinal) ? type[..^"Attribute".Length] : type;
        return char.ToLowerInvariant(type[0]) + type[1..];
    }

    private static string Where(MethodInfo method) => $"{method.DeclaringType?.Name}.{method.Name}";
}

/// <summary>A function: its name (as in functions.metadata) and the method that implements it.</summary>
public abstract record FunctionDescriptor(string Name, MethodInfo Method)
{
    /// <summary>The binding type of its trigger as in functions.metadata.</summary>
    public abstract string TriggerType { get; }

    /// <summary>The trigger in one line, for listings: <c>http GET /api/health</c>, <c>timer %Setting%</c>.</summary>
    public abstract string Trigger { get; }
}

/// <summary>An HTTP function. <see cref="Route"/> is relative to <see cref="FunctionIndex.RoutePrefix"/>.</summary>
public sealed record HttpFunctionDescriptor(string Name, MethodInfo Method, IReadOnlyList<string> Methods, string Route, IReadOnlyList<IAuthorizeData> Authorize, bool AllowAnonymous)
    : FunctionDescriptor(Name, Method)
{
    public override string TriggerType => "httpTrigger";

    public override string Trigger => $"http {string.Join(',', Methods)} /{FunctionIndex.RoutePrefix}/{Route}";
}

/// <summary>A timer function. <see cref="Schedule"/> is six-field NCRONTAB or <c>%Setting%</c>.</summary>
public sealed record TimerFunctionDescriptor(string Name, MethodInfo Method, string Schedule) : FunctionDescriptor(Name, Method)
{
    public override string TriggerType => "timerTrigger";

    public override string Trigger => $"timer {Schedule}";
}

/// <summary>A Durable Task orchestrator: the <c>[OrchestrationTrigger]</c> wrapper and the class it runs.</summary>
public sealed record OrchestrationFunctionDescriptor(string Name, MethodInfo Method, Type Orchestrator) : FunctionDescriptor(Name, Method)
{
    public override string TriggerType => "orchestrationTrigger";

    public override string Trigger => "orchestration";
}

/// <summary>A Durable Task activity: the <c>[ActivityTrigger]</c> wrapper and the class it runs.</summary>
public sealed record ActivityFunctionDescriptor(string Name, MethodInfo Method, Type Activity) : FunctionDescriptor(Name, Method)
{
    public override string TriggerType => "activityTrigger";

    public override string Trigger => "activity";
}
