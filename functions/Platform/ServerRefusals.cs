using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Integration.Functions.Platform;

/// <summary>
/// Kestrel refuses some requests before the app sees them (a request line or headers too long, a
/// malformed request line, headers that never finish arriving) and answers with a bare status and no
/// body. This connection middleware sits between Kestrel's HTTP/1.1 writer and the socket and replaces
/// exactly that answer, an error status with <c>Content-Length: 0</c> and <c>Connection: close</c>
/// after which the connection ends, by the same status with an RFC 9457 body. Everything else passes
/// through byte for byte. The problem's correlation id is Kestrel's connection id, which Kestrel's
/// own log (<c>Microsoft.AspNetCore.Server.Kestrel.BadRequests</c>) names.
/// </summary>
public static class ServerRefusals
{
    private const int MaxRefusalHead = 1024;

    public static ListenOptions UseProblemRefusals(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var logger = listen.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(ServerRefusals).FullName!);
        listen.Use(next => async connection =>
        {
            var socket = connection.Transport;
            var fromKestrel = new Pipe(new PipeOptions(useSynchronizationContext: false));
            connection.Transport = new DuplexPipe(socket.Input, fromKestrel.Writer);
            var pump = PumpAsync(fromKestrel.Reader, socket.Output, connection.ConnectionId, logger);
            try
            {
                await next(connection);
            }
            finally
            {
                await fromKestrel.Writer.CompleteAsync();
                await pump;
                connection.Transport = socket;
            }
        });
        return listen;
    }

    private static async Task PumpAsync(PipeReader reader, PipeWriter socket, string connectionId, ILogger? logger)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                var refusal = RefusalStatus(buffer);
                if (refusal is not null && !result.IsCompleted)
                {
                    // Only a refusal ends the connection right after its head: wait to see which this is.
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                if (refusal is { } status)
                {
                    socket.Write(Problem(buffer, status, connectionId));
                    logger?.RequestRefusedByServer(connectionId, status);
                }
                else
                {
                    foreach (var segment in buffer)
                    {
                        socket.Write(segment.Span);
                    }
                }

                reader.AdvanceTo(buffer.End);
                var flushed = await socket.FlushAsync();
                if (result.IsCompleted || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>The status of a bare refusal head that is the whole buffer, or null for anything else.</summary>
    private static int? RefusalStatus(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length is < 16 or > MaxRefusalHead)
        {
            return null;
        }

        var head = Encoding.Latin1.GetString(buffer.ToArray());
        if (!head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || !head.EndsWith("\r\n\r\n", StringComparison.Ordinal)
            || head.IndexOf("\r\n\r\n", StringComparison.Ordinal) != head.Length - 4
            || !int.TryParse(head.AsSpan(9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            || status < 400)
        {
            return null;
        }

        var headers = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        return headers.Contains("Content-Length: 0", StringComparer.OrdinalIgnoreCase) && headers.Contains("Connection: close", StringComparer.OrdinalIgnoreCase)
            ? status
            : null;
    }

    private static byte[] Problem(ReadOnlySequence<byte> buffer, int status, string connectionId)
    {
        var lines = Encoding.Latin1.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = ProblemTypes.TypeOf(status),
            ["title"] = ProblemTypes.TitleOf(status),
            ["status"] = status,
            ["detail"] = Detail(status),
            ["correlationId"] = connectionId,
        });
        var head = new StringBuilder().Append(lines[0]).Append("\r\n")
            .Append("Content-Type: application/problem+json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        foreach (var line in lines.Skip(1).Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append(line).Append("\r\n");
        }

        head.Append(Correlation.Header).Append(": ").Append(connectionId).Append("\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    private static string Detail(int status) => status switch
    {
        400 => "The request line or headers are malformed; the request was not read.",
        408 => "The request headers did not arrive in time; the request was not read.",
        413 => "The request body is larger than this server accepts; nothing was stored.",
        414 => "The request target (path and query) is longer than this server accepts.",
        431 => "The request headers are larger than this server accepts.",
        505 => "This server speaks HTTP/1.1 and HTTP/2 only.",
        _ => "The server refused the request before reading it.",
    };

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
