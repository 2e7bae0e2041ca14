namespace Integration.Functions.Platform;

/// <summary>Every problem body carries the correlation id, and never an exception's details.</summary>
public static class PlatformProblemDetails
{
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

        problem.Instance ??= context.HttpContext.Request.Path;
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
