using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;

namespace Integration.Functions.Platform.Orchestrations;

/// <summary>
/// The loopback gRPC endpoint of the sidecar, and the one channel the worker and the client share. The sidecar binds
/// the port itself (port 0 unless <c>Durable:SidecarPort</c> names one) and reports it with <see cref="Bind"/>: a port
/// found free beforehand and released for the server to take could be taken by any other socket in between. The
/// worker and the client are built before the sidecar starts, so they get <see cref="CallInvoker"/>, which reaches the
/// channel once the port is known.
/// </summary>
public sealed class SidecarEndpoint : IDisposable
{
    private GrpcChannel? channel;

    public SidecarEndpoint(int requestedPort = 0)
    {
        RequestedPort = requestedPort;
        CallInvoker = new BoundCallInvoker(this);
    }

    /// <summary>The configured port, or 0: the sidecar's listener takes a free one.</summary>
    public int RequestedPort { get; }

    public int Port { get; private set; }

    public Uri? Address { get; private set; }

    public CallInvoker CallInvoker { get; }

    /// <summary>The sidecar listens on <paramref name="port"/> now: calls go to it from here on.</summary>
    public void Bind(int port)
    {
        Port = port;
        Address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        Interlocked.Exchange(ref channel, GrpcChannel.ForAddress(Address))?.Dispose();
    }

    public void Dispose() => channel?.Dispose();

    private CallInvoker Current() =>
        Volatile.Read(ref channel)?.CreateCallInvoker()
        ?? throw new RpcException(new Status(StatusCode.Unavailable, "The Durable Task sidecar has not started listening yet."));

    /// <summary>Every call goes to the channel of the bound port; before the sidecar listens, a call fails as unavailable (the worker retries).</summary>
    private sealed class BoundCallInvoker(SidecarEndpoint endpoint) : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            endpoint.Current().BlockingUnaryCall(method, host, options, request);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            endpoint.Current().AsyncUnaryCall(method, host, options, request);

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            endpoint.Current().AsyncServerStreamingCall(method, host, options, request);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            endpoint.Current().AsyncClientStreamingCall(method, host, options);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            endpoint.Current().AsyncDuplexStreamingCall(method, host, options);
    }
}
