namespace Integration.Functions.Platform;

/// <summary>The <c>type</c> and <c>title</c> of a problem by status: the RFC sections ASP.NET Core uses, plus the statuses only the server sends.</summary>
public static class ProblemTypes
{
    private static readonly Dictionary<int, (string Type, string Title)> Known = new()
    {
        [400] = ("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request"),
        [401] = ("https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized"),
        [403] = ("https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden"),
        [404] = ("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found"),
        [405] = ("https://tools.ietf.org/html/rfc9110#section-15.5.6", "Method Not Allowed"),
        [408] = ("https://tools.ietf.org/html/rfc9110#section-15.5.9", "Request Timeout"),
        [409] = ("https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict"),
        [411] = ("https://tools.ietf.org/html/rfc9110#section-15.5.12", "Length Required"),
        [413] = ("https://tools.ietf.org/html/rfc9110#section-15.5.14", "Content Too Large"),
        [414] = ("https://tools.ietf.org/html/rfc9110#section-15.5.15", "URI Too Long"),
        [415] = ("https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported Media Type"),
        [422] = ("https://tools.ietf.org/html/rfc9110#section-15.5.21", "Unprocessable Content"),
        [431] = ("https://tools.ietf.org/html/rfc6585#section-5", "Request Header Fields Too Large"),
        [500] = ("https://tools.ietf.org/html/rfc9110#section-15.6.1", "An error occurred while processing your request."),
        [503] = ("https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service Unavailable"),
        [505] = ("https://tools.ietf.org/html/rfc9110#section-15.6.6", "HTTP Version Not Supported"),
    };

    public static string TypeOf(int status) =>
        Known.TryGetValue(status, out var known) ? known.Type : status >= 500 ? Known[500].Type : Known[400].Type;

    public static string TitleOf(int status) =>
        Known.TryGetValue(status, out var known) ? known.Title : status >= 500 ? "Server Error" : "Client Error";
}
