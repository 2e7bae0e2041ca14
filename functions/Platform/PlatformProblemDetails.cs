using Integration.Domain.Kernel;

namespace Integration.Functions.Platform;

/// <summary>Every problem body carries the correlation id, and never an exception's details.</summary>
public static class PlatformProblemDetails
{
    /// <summary>The most characters of the request's path a problem's <c>instance</c> repeats.</summary>
    public const int InstanceLength = 200;

    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        problem.Extensions.Remove("exception");
        problem.Extensions.Remove("traceId");
        if (context.HttpContext.GetCorrelationId() is { } id)
        {
            problem.Extensions["correlationId"] = id;
        }

        // The path is the caller's: as long as Kestrel lets a request line be, so it is repeated only up to a bound.
        problem.Instance = TextRules.Cut(problem.Instance ?? context.HttpContext.Request.Path.ToString(), InstanceLength);
        if (context.Exception is BadHttpRequestException bad)
        {
            // The defaults were applied for the 500 the exception handler set: type and title follow the real status.
            context.HttpContext.Response.StatusCode = bad.StatusCode;
            problem.Status = bad.StatusCode;
            problem.Type = ProblemTypes.TypeOf(bad.StatusCode);
            problem.Title = "The request could not be read.";
            problem.Detail = bad.Message;
        }
        else if (context.Exception is not null)
        {
            problem.Title = "The platform failed to handle the request.";
            problem.Detail = "Nothing was changed. Quote the correlation id when reporting this.";
        }
    }
}
