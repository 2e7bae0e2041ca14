using Integration.Domain.Kernel;

namespace Integration.Functions.Platform;

/// <summary>RFC 9457 problem-details results with the wording the platform uses everywhere.</summary>
public static class Problems
{
    public static ProblemHttpResult Validation(FieldErrors errors) =>
        Validation(errors.ToDictionary());

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = "Correct every field listed under 'errors' and send the request again; nothing was stored.",
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        });

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>404 for a record id; an id no record can have is quoted cut short, never in full.</summary>
    public static ProblemHttpResult NoSuch(string what, string id) =>
        NotFound($"There is no {what} {(RecordId.IsValid(id) ? id : TextRules.Echo(id))}.");

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);
}
