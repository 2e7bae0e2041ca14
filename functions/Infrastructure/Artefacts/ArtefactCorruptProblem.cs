using Integration.Functions.Platform;
using Microsoft.AspNetCore.Diagnostics;

namespace Integration.Functions.Infrastructure.Artefacts;

/// <summary>
/// Answers a request whose stored document failed its hash check with 500 <c>artefact-corrupt</c> naming the document,
/// rather than the generic 500: the fault is in storage, not in the request, and retrying will not help until the
/// artefact is restored from a backup (or the period reported again). Logged as an error (event 3010) for operators.
/// </summary>
public sealed class ArtefactCorruptProblem(IProblemDetailsService problems, ILogger<ArtefactCorruptProblem> logger) : IExceptionHandler
{
    public const string Code = "artefact-corrupt";

    public const string Type = "urn:problem-type:integration:artefact-corrupt";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not ArtefactCorruptException corrupt)
        {
            return false;
        }

        var document = corrupt.Document ?? "a stored document";
        logger.ArtefactCorrupt(corrupt, document, corrupt.Sha256, corrupt.Actual, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        var problem = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = Type,
                Title = "Stored document is corrupt",
                Detail = $"The stored copy of {document} no longer matches its SHA-256 and is not served. Nothing was changed; "
                    + "operators restore it from a backup. Quote the correlation id when reporting this.",
                Extensions = { ["code"] = Code, ["sha256"] = corrupt.Sha256 },
            },
        };
        foreach (var (name, value) in corrupt.Context)
        {
            problem.ProblemDetails.Extensions[name] = value;
        }

        return await problems.TryWriteAsync(problem);
    }
}
