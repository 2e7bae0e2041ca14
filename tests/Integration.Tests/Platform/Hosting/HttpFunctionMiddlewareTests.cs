using System.Text.Json;
using Integration.Functions.Platform.Hosting;
using Integration.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Platform.Hosting;

/// <summary>
/// The worker's side of an HTTP invocation (what <see cref="HttpFunctionMiddleware"/> does once the
/// Functions host has handed the request over), on the app's real services: the function's result is
/// written, a caller without the function's policy never reaches it, and a failure is a problem.
/// </summary>
[Trait("lane", "integration")]
public sealed class HttpFunctionMiddlewareTests(HttpFunctionMiddlewareTests.Platform platform) : IClassFixture<HttpFunctionMiddlewareTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private static HttpFunctionDescriptor Subscriptions => (HttpFunctionDescriptor)FunctionIndex.ForApp.Find("admin-subscriptions")!;

    [Fact]
    public async Task The_functions_typed_result_is_written_with_the_correlation_id()
    {
        using var scope = platform.Services.CreateScope();
        var http = Request(scope, "dev-admin");
        http.Request.Headers["X-Correlation-Id"] = "worker-0001";
        await HttpFunctionMiddleware.RunAsync(http, Subscriptions, () => Task.FromResult<object?>(TypedResults.Ok(new { counted = 3 })));

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal("worker-0001", http.Response.Headers["X-Correlation-Id"].ToString());
        Assert.Equal(3, Body(http).GetProperty("counted").GetInt32());
    }

    [Theory]
    [InlineData(null, StatusCodes.Status401Unauthorized)]
    [InlineData("dev-housing", StatusCodes.Status403Forbidden)]
    public async Task A_caller_without_the_functions_policy_never_reaches_it(string? key, int status)
    {
        using var scope = platform.Services.CreateScope();
        var http = Request(scope, key);
        var invoked = false;
        await HttpFunctionMiddleware.RunAsync(http, Subscriptions, () =>
        {
            invoked = true;
            return Task.FromResult<object?>(TypedResults.Ok());
        });

        Assert.False(invoked);
        Assert.Equal(status, http.Response.StatusCode);
        Assert.Equal(status, Body(http).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_failing_function_is_a_500_problem_that_leaks_nothing()
    {
        using var scope = platform.Services.CreateScope();
        var http = Request(scope, "dev-admin");
        await HttpFunctionMiddleware.RunAsync(http, Subscriptions, () => throw new InvalidOperationException("secret detail"));

        Assert.Equal(StatusCodes.Status500InternalServerError, http.Response.StatusCode);
        var problem = Body(http);
        Assert.Equal("The platform failed to handle the request.", problem.GetProperty("title").GetString());
        Assert.True(problem.TryGetProperty("correlationId", out _));
        Assert.DoesNotContain("secret detail", problem.GetRawText(), StringComparison.Ordinal);
    }

    private static DefaultHttpContext Request(IServiceScope scope, string? key)
    {
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = "/api/operations/subscriptions";
        http.Response.Body = new MemoryStream();
        if (key is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {key}";
        }

        return http;
    }

    private static JsonElement Body(HttpContext http)
    {
        http.Response.Body.Position = 0;
        return JsonDocument.Parse(http.Response.Body).RootElement.Clone();
    }
}
