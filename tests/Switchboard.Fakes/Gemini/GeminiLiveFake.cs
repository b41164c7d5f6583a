using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Fakes.Gemini;

/// <summary>
/// A strict Gemini Live (BidiGenerateContent) server on loopback, speaking ai-providers.md §3: API key in the
/// <c>key</c> query, <c>setup</c> first and once, <c>setupComplete</c>, <c>realtimeInput</c> audio at
/// <c>audio/pcm;rate=16000</c>, JSON answered in binary frames (§3.1, G14). What the service refuses it refuses with
/// the close codes of §3.9. Each accepted connection is a <see cref="GeminiFakeSession"/> the test scripts.
/// </summary>
public sealed class GeminiLiveFake : IAsyncDisposable
{
    /// <summary>§3.1 Developer API path.</summary>
    public const string Path = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

    /// <summary>Developer-API Live models (§3.8).</summary>
    public static readonly IReadOnlySet<string> Models = new HashSet<string>(StringComparer.Ordinal)
    {
        "gemini-2.5-flash-native-audio-preview-12-2025",
        "gemini-3.1-flash-live-preview",
    };

    private readonly FakeServer _server;
    private readonly List<GeminiFakeSession> _sessions = [];
    private readonly List<(int Index, TaskCompletionSource<GeminiFakeSession> Done)> _sessionWaiters = [];
    private readonly ConcurrentDictionary<string, GeminiFakeSession> _handles = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(int Code, string Reason)> _rejections = new();
    private readonly TaskCompletionSource _resumedSetupArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GeminiLiveFake(FakeServer server, string apiKey)
    {
        _server = server;
        ApiKey = apiKey;
    }

    public string ApiKey { get; }

    /// <summary>Where the agent connects (<c>ws://127.0.0.1:port/ws/...BidiGenerateContent</c>), without the key.</summary>
    public Uri Endpoint => new(_server.WebSocketBase, Path.TrimStart('/'));

    /// <summary>Connections closed before or at set-up: (close code, reason).</summary>
    public IReadOnlyCollection<(int Code, string Reason)> Rejections => _rejections.ToArray();

    /// <summary>Awaited before answering a resumed <c>setup</c>: lets a test hold the switch between connections open.</summary>
    public Task ResumedSetupReply { get; set; } = Task.CompletedTask;

    /// <summary>Completes when a valid resumed <c>setup</c> has arrived (before its reply).</summary>
    public Task ResumedSetupArrived => _resumedSetupArrived.Task;

    public IReadOnlyList<GeminiFakeSession> Sessions
    {
        get
        {
            lock (_sessions)
            {
                return [.. _sessions];
            }
        }
    }

    public static async Task<GeminiLiveFake> StartAsync(string apiKey = "test-key")
    {
        GeminiLiveFake? fake = null;
        FakeServer server = await FakeServer.StartAsync(app => app.Map(Path, (HttpContext context) => fake!.AcceptAsync(context)));
        fake = new GeminiLiveFake(server, apiKey);
        return fake;
    }

    /// <summary>The <paramref name="index"/>-th session (0-based) once its <c>setupComplete</c> was sent.</summary>
    public Task<GeminiFakeSession> WaitForSessionAsync(int index)
    {
        lock (_sessions)
        {
            if (index < _sessions.Count)
            {
                return Task.FromResult(_sessions[index]);
            }

            var done = new TaskCompletionSource<GeminiFakeSession>(TaskCreationOptions.RunContinuationsAsynchronously);
            _sessionWaiters.Add((index, done));
            return done.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (GeminiFakeSession session in Sessions)
        {
            session.Abort();
        }

        await _server.DisposeAsync();
    }

    internal bool IsIssuedHandle(string handle) => _handles.ContainsKey(handle);

    internal void RecordHandle(string handle, GeminiFakeSession session) => _handles[handle] = session;

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // §3.1: ?key= (or the x-goog-api-key header the Python SDK sends).
        string? key = context.Request.Query["key"].FirstOrDefault() ?? context.Request.Headers["x-goog-api-key"].FirstOrDefault();
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        if (key != ApiKey)
        {
            // §3.9: 1008 for policy/auth.
            await RejectAsync(socket, 1008, "API key not valid. Please pass a valid API key.");
            return;
        }

        byte[] buffer = new byte[1 << 20];
        (WebSocketMessageType type, int length) = await GeminiFakeSession.ReceiveAsync(socket, buffer, context.RequestAborted);
        if (type == WebSocketMessageType.Close)
        {
            return;
        }

        JsonDocument setup;
        try
        {
            setup = JsonDocument.Parse(buffer.AsMemory(0, length));
        }
        catch (JsonException)
        {
            await RejectAsync(socket, 1007, "Invalid JSON payload received.");
            return;
        }

        using (setup)
        {
            (int Code, string Reason)? error = GeminiSetupRules.Validate(setup.RootElement, this, out string? resumedWith);
            if (error is { } e)
            {
                await RejectAsync(socket, e.Code, e.Reason);
                return;
            }

            if (resumedWith is not null)
            {
                _resumedSetupArrived.TrySetResult();
                await ResumedSetupReply;
            }

            GeminiFakeSession session;
            lock (_sessions)
            {
                session = new GeminiFakeSession(this, socket, _sessions.Count, setup.RootElement.GetProperty("setup").Clone(), resumedWith);
            }

            await session.SendAsync("""{"setupComplete":{}}""");
            lock (_sessions)
            {
                _sessions.Add(session);
                for (int i = _sessionWaiters.Count - 1; i >= 0; i--)
                {
                    if (_sessionWaiters[i].Index < _sessions.Count)
                    {
                        _sessionWaiters[i].Done.TrySetResult(_sessions[_sessionWaiters[i].Index]);
                        _sessionWaiters.RemoveAt(i);
                    }
                }
            }

            await session.RunAsync(buffer, context.RequestAborted);
        }
    }

    private async Task RejectAsync(WebSocket socket, int code, string reason)
    {
        _rejections.Enqueue((code, reason));
        await GeminiFakeSession.CloseAndDrainAsync(socket, code, reason);
    }

    internal static string Truncate(string reason)
    {
        // A close reason is at most 123 UTF-8 bytes (RFC 6455 §5.5).
        while (Encoding.UTF8.GetByteCount(reason) > 123)
        {
            reason = reason[..^1];
        }

        return reason;
    }
}
