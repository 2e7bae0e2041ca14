using Microsoft.Azure.Functions.Worker;

namespace Integration.Functions.Platform;

/// <summary>
/// Every function of the app and its trigger, declared once. The local host maps HTTP functions
/// onto ASP.NET Core routes and runs timers and topic consumers itself; an Azure Functions
/// custom-handler deployment derives one function.json per function from the same list.
/// </summary>
public sealed class FunctionCatalogue
{
    /// <summary>The route prefix Azure Functions puts before HTTP routes (host.json extensions.http.routePrefix).</summary>
    public const string RoutePrefix = "api";

    private readonly List<FunctionDefinition> functions = [];

    public IReadOnlyList<FunctionDefinition> Functions => functions;

    public HttpFunction Http(string name, string method, string route, Delegate handler, Action<RouteHandlerBuilder>? configure = null)
    {
        var function = new HttpFunction(name, method, route, handler, configure);
        Add(function);
        return function;
    }

    public TimerFunction Timer(string name, string schedule, Func<TimerInfo, IServiceProvider, CancellationToken, Task> handler)
    {
        var function = new TimerFunction(name, schedule, handler);
        Add(function);
        return function;
    }

    public TopicFunction Topic(string name, string topic, string subscription, Func<TopicDelivery, IServiceProvider, CancellationToken, Task> handler, int maxConcurrency = 1)
    {
        var function = new TopicFunction(name, topic, subscription, handler, maxConcurrency);
        Add(function);
        return function;
    }

    public void Add(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (functions.Any(f => f.Name == function.Name))
        {
            throw new InvalidOperationException($"Function '{function.Name}' is declared twice.");
        }

        functions.Add(function);
    }

    public IEnumerable<T> OfType<T>()
        where T : FunctionDefinition => functions.OfType<T>();
}

/// <summary>A function and its trigger.</summary>
public abstract record FunctionDefinition(string Name)
{
    /// <summary>A one-line description of the trigger, for listings.</summary>
    public abstract string Trigger { get; }
}

/// <summary>An HTTP-triggered function. <see cref="Route"/> is relative to <see cref="FunctionCatalogue.RoutePrefix"/>.</summary>
public sealed record HttpFunction(string Name, string Method, string Route, Delegate Handler, Action<RouteHandlerBuilder>? Configure)
    : FunctionDefinition(Name)
{
    public override string Trigger => $"http {Method} /{FunctionCatalogue.RoutePrefix}/{Route}";
}

public static class FunctionCatalogueEndpoints
{
    /// <summary>Maps every HTTP function of the catalogue under /api.</summary>
    public static void MapFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var api = endpoints.MapGroup("/" + FunctionCatalogue.RoutePrefix);
        foreach (var function in catalogue.OfType<HttpFunction>())
        {
            var builder = api.MapMethods(function.Route, [function.Method], function.Handler).WithName(function.Name);
            function.Configure?.Invoke(builder);
        }
    }
}

/// <summary>A timer-triggered function of the catalogue.</summary>
public sealed record TimerFunction(string Name, string Schedule, Func<TimerInfo, IServiceProvider, CancellationToken, Task> Handler)
    : FunctionDefinition(Name)
{
    public override string Trigger => $"timer {Schedule}";
}

/// <summary>A message handed to a topic-triggered function, with how often it has been delivered.</summary>
public sealed record TopicDelivery(Domain.Messaging.TopicMessage Message, int DeliveryCount);

/// <summary>
/// A function triggered by messages of a topic subscription (peek-lock: completed when the handler
/// returns, abandoned when it throws, dead-lettered after the subscription's maximum deliveries).
/// </summary>
public sealed record TopicFunction(string Name, string Topic, string Subscription, Func<TopicDelivery, IServiceProvider, CancellationToken, Task> Handler, int MaxConcurrency = 1)
    : FunctionDefinition(Name)
{
    public override string Trigger => $"topic {Topic}/{Subscription}";
}
