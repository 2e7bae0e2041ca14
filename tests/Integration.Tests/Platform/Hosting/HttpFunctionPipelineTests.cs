using System.Net;
using Integration.Functions.Platform.Hosting;
using Integration.Tests.Support;

namespace Integration.Tests.Platform.Hosting;

/// <summary>
/// Every HTTP function's [Authorize]/[AllowAnonymous] is enforced by the pipeline both hosts share:
/// without a key each guarded function answers 401 before it runs, each open one answers as itself.
/// </summary>
[Trait("lane", "integration")]
public sealed class HttpFunctionPipelineTests(HttpFunctionPipelineTests.Platform platform) : IClassFixture<HttpFunctionPipelineTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    public static TheoryData<string> HttpFunctions() => [.. FunctionIndex.ForApp.Http.Select(f => f.Name).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public async Task A_caller_without_a_key_gets_401_from_every_guarded_function_and_through_to_every_open_one(string name)
    {
        var function = Assert.IsType<HttpFunctionDescriptor>(FunctionIndex.ForApp.Find(name));
        var path = "/" + FunctionIndex.RoutePrefix + "/" + System.Text.RegularExpressions.Regex.Replace(function.Route, "{([a-zA-Z]+)}", "x1");
        using var request = new HttpRequestMessage(new HttpMethod(function.Methods[0]), path);
        var response = await platform.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        if (function.AllowAnonymous)
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        else
        {
            var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal(path, problem.GetProperty("instance").GetString());
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task A_principal_without_the_functions_policy_is_forbidden_before_it_runs()
    {
        var response = await platform.ClientFor("housing").PostAsync("/api/operations/calendar/reload", null, TestContext.Current.CancellationToken);
        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }
}
