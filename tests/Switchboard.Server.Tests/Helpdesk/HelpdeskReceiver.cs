using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Fakes;
using Switchboard.Server.Tickets.Helpdesk;

namespace Switchboard.Server.Tests.Helpdesk;

/// <summary>One POST as the helpdesk received it.</summary>
public sealed record ReceivedWebhook(byte[] Body, string? Signature, string? Timestamp, string? DeliveryId, string? ContentType, int AnsweredWith);

/// <summary>
/// An external helpdesk on a loopback Kestrel port (<see cref="FakeServer"/>): records every POST to <c>/hook</c> and
/// answers with the next scripted status (then <see cref="DefaultStatus"/>).
/// </summary>
public sealed class HelpdeskReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _script = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private FakeServer? _server;

    public int DefaultStatus { get; set; } = StatusCodes.Status200OK;

    public IReadOnlyCollection<ReceivedWebhook> Received => _received.ToArray();

    public Uri HookUrl => new(_server!.BaseAddress, "hook");

    public static async Task<HelpdeskReceiver> StartAsync(params int[] script)
    {
        var receiver = new HelpdeskReceiver();
        foreach (int status in script)
        {
            receiver._script.Enqueue(status);
        }

        receiver._server = await FakeServer.StartAsync(app => app.MapPost("/hook", receiver.ReceiveAsync));
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        int status = _script.TryDequeue(out int scripted) ? scripted : DefaultStatus;
        _received.Enqueue(new ReceivedWebhook(
            body.ToArray(),
            context.Request.Headers[HelpdeskDispatcher.SignatureHeader],
            context.Request.Headers[HelpdeskDispatcher.TimestampHeader],
            context.Request.Headers[HelpdeskDispatcher.DeliveryHeader],
            context.Request.ContentType,
            status));
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
