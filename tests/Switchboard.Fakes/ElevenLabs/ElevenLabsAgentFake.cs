using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Fakes.ElevenLabs;

/// <summary>
/// A strict fake of the ElevenLabs Agents Platform (ai-providers.md §2): the signed-URL HTTP endpoint and the
/// conversation WebSocket, on a loopback port. Each accepted socket becomes an <see cref="ElevenLabsFakeConversation"/>
/// that tests script (audio, transcripts, tool calls, interruptions, pings, errors, drops) and inspect.
/// </summary>
public sealed class ElevenLabsAgentFake : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, bool> _signatures = new(StringComparer.Ordinal);
    private readonly Channel<ElevenLabsFakeConversation> _conversations = Channel.CreateUnbounded<ElevenLabsFakeConversation>();
    private readonly ConcurrentQueue<int> _refusals = new();
    private FakeServer? _server;
    private int _signedUrlRequests;

    private ElevenLabsAgentFake(ElevenLabsFakeAgentConfig config) => Agent = config;

    public ElevenLabsFakeAgentConfig Agent { get; }

    /// <summary>The API base to configure on the client (<c>http://127.0.0.1:port/</c>).</summary>
    public Uri Endpoint => _server!.BaseAddress;

    /// <summary>Successful signed-URL requests.</summary>
    public int SignedUrlRequests => Volatile.Read(ref _signedUrlRequests);

    /// <summary>HTTP status codes the fake answered instead of a signed URL or a WebSocket upgrade.</summary>
    public IReadOnlyCollection<int> Refusals => [.. _refusals];

    public static async Task<ElevenLabsAgentFake> StartAsync(Action<ElevenLabsFakeAgentConfig>? configure = null)
    {
        var config = new ElevenLabsFakeAgentConfig();
        configure?.Invoke(config);
        var fake = new ElevenLabsAgentFake(config);
        fake._server = await FakeServer.StartAsync(app =>
        {
            app.MapGet("/v1/convai/conversation/get-signed-url", fake.GetSignedUrlAsync);
            app.Map("/v1/convai/conversation", fake.ConversationAsync);
        });
        return fake;
    }

    /// <summary>The next conversation the client opens.</summary>
    public Task<ElevenLabsFakeConversation> NextConversationAsync(TimeSpan timeout) =>
        _conversations.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private Task GetSignedUrlAsync(HttpContext context)
    {
        // §2.1: GET .../get-signed-url?agent_id=<id> with header xi-api-key → {"signed_url": "wss://...&<signature>"}.
        string? key = context.Request.Headers["xi-api-key"];
        if (key != Agent.ApiKey)
        {
            return RefuseAsync(context, StatusCodes.Status401Unauthorized, "invalid_api_key", "Invalid API key");
        }

        if (context.Request.Query["agent_id"] != Agent.AgentId)
        {
            return RefuseAsync(context, StatusCodes.Status404NotFound, "agent_not_found", "Agent not found");
        }

        string signature = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _signatures[signature] = true;
        Interlocked.Increment(ref _signedUrlRequests);
        var uri = new UriBuilder(Endpoint)
        {
            Scheme = "ws",
            Path = "/v1/convai/conversation",
            Query = $"agent_id={Uri.EscapeDataString(Agent.AgentId)}&conversation_signature={signature}",
        };
        return context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["signed_url"] = uri.Uri.ToString() });
    }

    private async Task ConversationAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "WebSocket upgrade expected");
            return;
        }

        if (context.Request.Query["agent_id"] != Agent.AgentId)
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, "agent_not_found", "Agent not found");
            return;
        }

        if (Agent.RequiresAuth)
        {
            // §2.1: a private agent needs the signed URL. How the real service refuses is not documented; the fake answers 403.
            string? signature = context.Request.Query["conversation_signature"];
            if (signature is null || !_signatures.TryRemove(signature, out _))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "authentication_required", "This agent requires a signed URL");
                return;
            }
        }

        using System.Net.WebSockets.WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        var conversation = new ElevenLabsFakeConversation(socket, Agent);
        _conversations.Writer.TryWrite(conversation);
        await conversation.RunAsync(context.RequestAborted);
    }

    private Task RefuseAsync(HttpContext context, int status, string code, string message)
    {
        _refusals.Enqueue(status);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new Dictionary<string, Dictionary<string, string>>
        {
            ["detail"] = new() { ["status"] = code, ["message"] = message },
        });
    }
}
