using System.Reflection;
using Integration.Functions.Platform.Timers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

using Microsoft.Extensions.Options;

namespace Integration.Functions.Platform.Hosting;

/// <summary>
/// Hosts the app's <c>[Function]</c> methods without a Functions host (<c>dotnet run --project
/// functions</c>, the API tests): HTTP functions become ASP.NET Core endpoints under
/// <c>/api</c>, bound by the minimal-API request delegate factory from the same parameters the
/// worker binds, and timer functions run on the <see cref="TimerScheduler"/>. The function class
/// is created per invocation from the request's or the run's services, as the worker does.
/// </summary>
public static class LocalFunctionHost
{
    /// <summary>Runs the index's timer functions (and any <see cref="TimerFunction"/> registered directly) on the scheduler.</summary>
    public static IServiceCollection AddLocalFunctionHost(this IServiceCollection services, FunctionIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        services.AddSingleton(index);
        foreach (var timer in index.Timers)
        {
            services.AddSingleton(ToTimer(timer));
        }

        services.AddOptions<TimerOptions>().BindConfiguration(TimerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TimerOptions>, TimerOptionsValidation>();
        services.AddSingleton<TimerScheduler>();
        services.AddHostedService<TimerHost>();
        return services;
    }

    /// <summary>Maps every HTTP function of the index, each inside <see cref="HttpFunctionPipeline"/>.</summary>
    public static void MapFunctions(this IEndpointRouteBuilder endpoints, FunctionIndex index)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(index);
        var api = endpoints.MapGroup("/" + FunctionIndex.RoutePrefix);
        foreach (var function in index.Http)
        {
            var pattern = RoutePatternFactory.Parse(function.Route);
            var inferred = new RouteEndpointBuilder(null, pattern, 0) { ApplicationServices = endpoints.ServiceProvider };
            var options = new RequestDelegateFactoryOptions
            {
                ServiceProvider = new DurableClientAsService(endpoints.ServiceProvider),
                RouteParameterNames = pattern.Parameters.Select(p => p.Name).ToArray(),
                ThrowOnBadRequest = false,
                EndpointBuilder = inferred,
            };
            var metadata = RequestDelegateFactory.InferMetadata(function.Method, options);
            var handler = RequestDelegateFactory.Create(function.Method, TargetFactory(function.Method), options, metadata).RequestDelegate;

            // Authorization is the pipeline's, in both hosts; the rest of the method's attributes
            // (summary, tags) and the inferred metadata describe the endpoint in the OpenAPI document.
            var attributes = function.Method.GetCustomAttributes()
                .Where(a => a is not IAuthorizeData and not IAllowAnonymous and not FunctionAttribute)
                .Cast<object>();
            api.MapMethods(function.Route, function.Methods, context => HttpFunctionPipeline.RunAsync(context, function, () => InvokeAsync(context, handler)))
                .WithName(function.Name)
                .WithMetadata([function.Method, .. inferred.Metadata, .. attributes]);
        }
    }

    // The factory binds a service parameter with GetRequiredService; a [DurableClient] parameter is null, not an error,
    // when the local engine is off, so the function's services resolve the client optionally for the call.
    private static async Task InvokeAsync(HttpContext context, RequestDelegate handler)
    {
        var services = context.RequestServices;
        context.RequestServices = new DurableClientAsService(services);
        try
        {
            await handler(context);
        }
        finally
        {
            context.RequestServices = services;
        }
    }

    private static TimerFunction ToTimer(TimerFunctionDescriptor function)
    {
        var create = TargetFactory(function.Method);
        var parameters = function.Method.GetParameters();
        return new TimerFunction(function.Name, function.Schedule, async (info, services, cancellationToken) =>
        {
            var target = create?.Invoke(new DefaultHttpContext { RequestServices = services });
            var arguments = parameters.Select(p =>
                p.ParameterType == typeof(CancellationToken) ? cancellationToken
                : FunctionIndex.IsDurableClient(p) ? services.GetService<DurableTaskClient>()
                : (object)info).ToArray();
            if (function.Method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null) is Task run)
            {
                await run;
            }
        });
    }

    private static Func<HttpContext, object>? TargetFactory(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return null;
        }

        var factory = ActivatorUtilities.CreateFactory(method.DeclaringType!, Type.EmptyTypes);
        return context => factory(context.RequestServices, null);
    }

    /// <summary>
    /// Says a <see cref="DurableTaskClient"/> comes from the container even when the local engine is off and none is
    /// registered, so the request delegate factory binds the <c>[DurableClient]</c> parameter as a service (not as a JSON
    /// body), and resolves it to null rather than failing when there is none.
    /// </summary>
    private sealed class DurableClientAsService(IServiceProvider inner) : IServiceProvider, IServiceProviderIsService, ISupportRequiredService
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IServiceProviderIsService) ? this : inner.GetService(serviceType);

        public object GetRequiredService(Type serviceType) =>
            serviceType == typeof(DurableTaskClient) ? inner.GetService(serviceType)! : inner.GetRequiredService(serviceType);

        public bool IsService(Type serviceType) =>
            serviceType == typeof(DurableTaskClient) || (inner.GetService<IServiceProviderIsService>()?.IsService(serviceType) ?? false);
    }
}
