using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Integration.Functions.Platform.Hosting;

/// <summary>
/// Under the Functions host: runs each HTTP function inside the same correlation and
/// <see cref="HttpFunctionPipeline"/> as the local host, and executes the <see cref="IResult"/> it
/// returns here, so the request log line sees the final status and a failure while writing the
/// response is still turned into a problem. Timer (and, later, orchestration and activity)
/// invocations pass straight through.
/// </summary>
public sealed class HttpFunctionMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http || FunctionIndex.ForApp.Find(context.FunctionDefinition.Name) is not HttpFunctionDescriptor function)
        {
            await next(context);
            return;
        }

        await RunAsync(http, function, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value;
        });

        // The ASP.NET Core integration executes the invocation result after this middleware: the
        // response has been written (by the function's result, a challenge or a problem), so nothing is left.
        context.GetInvocationResult().Value = Results.Empty;
    }

    /// <summary>An HTTP invocation as the worker runs it, apart from the <see cref="FunctionContext"/>: <paramref name="invoke"/> runs the function and gives its result.</summary>
    public static Task RunAsync(HttpContext http, HttpFunctionDescriptor function, Func<Task<object?>> invoke)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(invoke);
        SecurityHeaders.AddOnStarting(http);
        return Correlation.RunAsync(http, () => HttpFunctionPipeline.RunAsync(http, function, async () =>
        {
            if (await invoke() is IResult result)
            {
                await result.ExecuteAsync(http);
            }
        }));
    }
}
