using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Telephony;

/// <summary>
/// Watches the PBX for calls parked on a secretary's extension (the dialplan in deploy/freeswitch
/// answers and parks them) and starts mod_audio_stream towards our <c>/stream</c> endpoint with a
/// signed per-call token and the call's metadata (freeswitch.md §5.11).
/// </summary>
public sealed partial class CallController : BackgroundService
{
    private readonly PbxConnection _pbx;
    private readonly StreamTokens _tokens;
    private readonly CallRegistry _registry;
    private readonly IServiceScopeFactory _scopes;
    private readonly IServer _server;
    private readonly TelephonyOptions _telephony;
    private readonly CallsOptions _calls;
    private readonly ILogger<CallController> _logger;
    private string? _streamBase;

    public CallController(
        PbxConnection pbx,
        StreamTokens tokens,
        CallRegistry registry,
        IServiceScopeFactory scopes,
        IServer server,
        IOptions<TelephonyOptions> telephony,
        IOptions<CallsOptions> calls,
        ILogger<CallController> logger)
    {
        _pbx = pbx;
        _tokens = tokens;
        _registry = registry;
        _scopes = scopes;
        _server = server;
        _telephony = telephony.Value;
        _calls = calls.Value;
        _logger = logger;
    }

    /// <summary>Streams this controller started (for tests and metrics).</summary>
    public long StreamsStarted => Interlocked.Read(ref _streamsStarted);

    private long _streamsStarted;

    /// <summary>Parked calls seen that belong to no secretary (left to the PBX).</summary>
    public long CallsIgnored => Interlocked.Read(ref _callsIgnored);

    private long _callsIgnored;

    /// <summary>Times the parked calls were re-read from the PBX after an Event Socket reconnect.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    private long _resyncs;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reconnected = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        bool wasConnected = _pbx.IsConnected;
        void OnState(EventSocketState state)
        {
            if (state == EventSocketState.Connected && wasConnected)
            {
                reconnected.Writer.TryWrite(true);
            }

            wasConnected |= state == EventSocketState.Connected;
        }

        _pbx.Client.StateChanged += OnState;
        try
        {
            await Task.WhenAll(WatchParkedCallsAsync(stoppingToken), ResyncAfterReconnectsAsync(reconnected.Reader, stoppingToken));
        }
        finally
        {
            _pbx.Client.StateChanged -= OnState;
        }
    }

    /// <summary>Streams being started at once (each a DB lookup and two Event Socket commands).</summary>
    private const int MaxConcurrentStarts = 64;

    private async Task WatchParkedCallsAsync(CancellationToken stoppingToken)
    {
        // Only CHANNEL_PARK: the other events of every call (a few per second each) would otherwise queue here too.
        using EventSubscription events = _pbx.Client.SubscribeToEvents("CHANNEL_PARK");
        using var starts = new SemaphoreSlim(MaxConcurrentStarts);
        var starting = new HashSet<Task>();
        try
        {
            await foreach (EventSocketEvent e in events.Reader.ReadAllAsync(stoppingToken))
            {
                if (e.Name != "CHANNEL_PARK" || e.UniqueId is null)
                {
                    continue;
                }

                if (_registry.Contains(e.UniqueId) || e["variable_switchboard_stream"] == "true")
                {
                    continue; // back in park after a transfer attempt: its stream is still running
                }

                if (!Guid.TryParse(e["variable_domain_uuid"], out Guid domainUuid))
                {
                    continue;
                }

                var call = new ParkedCall(
                    e.UniqueId,
                    domainUuid,
                    e["variable_domain_name"] ?? e["Caller-Context"],
                    e["Caller-Destination-Number"],
                    e["Caller-Caller-ID-Number"],
                    e["Caller-Caller-ID-Name"]);

                // The reader only dispatches: a slow lookup or command for one call must never hold up the events of
                // the others (a full subscription would stall the Event Socket reader and every command reply).
                starting.RemoveWhere(task => task.IsCompleted);
                await starts.WaitAsync(stoppingToken);
                starting.Add(StartReleasingAsync(call, starts, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(starting);
        }
    }

    private async Task StartReleasingAsync(ParkedCall call, SemaphoreSlim starts, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            await TryStartStreamAsync(call, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            starts.Release();
        }
    }

    /// <summary>
    /// FreeSWITCH keeps no events for a disconnected client, so calls that parked while the Event Socket
    /// was down are found with <c>show channels as json</c> once it is back (freeswitch.md §1.11).
    /// </summary>
    private async Task ResyncAfterReconnectsAsync(ChannelReader<bool> reconnected, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (bool _ in reconnected.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ResyncAsync(stoppingToken);
                    Interlocked.Increment(ref _resyncs);
                }
                catch (Exception ex) when (ex is EventSocketException or EventSocketCommandException or EventSocketDisconnectedException or JsonException or TimeoutException)
                {
                    Log.ResyncFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        EventSocketClient esl = _pbx.Client;
        string listing = await esl.ApiAsync("show channels as json", cancellationToken);
        using JsonDocument document = JsonDocument.Parse(listing);
        if (!document.RootElement.TryGetProperty("rows", out JsonElement rows))
        {
            return;
        }

        foreach (JsonElement row in rows.EnumerateArray())
        {
            string? uuid = Text(row, "uuid");
            if (uuid is null || Text(row, "application") != "park" || _registry.Contains(uuid))
            {
                continue;
            }

            if (await esl.GetVarAsync(uuid, "switchboard_stream", cancellationToken) == "true"
                || !Guid.TryParse(await esl.GetVarAsync(uuid, "domain_uuid", cancellationToken), out Guid domainUuid))
            {
                continue;
            }

            var call = new ParkedCall(uuid, domainUuid, Text(row, "context"), Text(row, "dest"), Text(row, "cid_num"), Text(row, "cid_name"));
            await TryStartStreamAsync(call, cancellationToken);
        }

        static string? Text(JsonElement row, string name) =>
            row.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private async Task TryStartStreamAsync(ParkedCall call, CancellationToken cancellationToken)
    {
        try
        {
            await StartStreamAsync(call, cancellationToken);
        }
        catch (Exception ex) when (ex is EventSocketException or EventSocketCommandException or EventSocketDisconnectedException or DbUpdateException or TimeoutException)
        {
            Log.StreamStartFailed(_logger, call.Uuid, ex);
        }
    }

    private async Task StartStreamAsync(ParkedCall call, CancellationToken cancellationToken)
    {
        string callUuid = call.Uuid;
        Guid domainUuid = call.DomainUuid;
        string? destination = call.Destination;
        if (destination is null)
        {
            return;
        }

        SecretaryMatch? secretary = await FindSecretaryAsync(domainUuid, destination, cancellationToken);
        if (secretary is null)
        {
            Interlocked.Increment(ref _callsIgnored);
            return;
        }

        var metadata = new StreamMetadata
        {
            CallUuid = callUuid,
            DomainUuid = domainUuid,
            Domain = call.Domain,
            Destination = destination,
            CallerIdNumber = call.CallerIdNumber,
            CallerIdName = call.CallerIdName,
            SecretaryId = secretary.Value.SecretaryId,
            SampleRate = _calls.StreamSampleRate,
        };

        string token = _tokens.Issue(domainUuid, callUuid, _calls.TokenLifetime);
        string url = $"{StreamBase()}/stream/{domainUuid:D}/{callUuid}?token={token}";
        EventSocketClient esl = _pbx.Client;

        // Set explicitly: the module leaves these uninitialised when absent (freeswitch.md §5.3).
        await esl.ApiAsync($"uuid_setvar_multi {callUuid} STREAM_MESSAGE_DEFLATE=true;STREAM_HEART_BEAT=15;STREAM_BUFFER_SIZE=20;switchboard_stream=true", cancellationToken);
        try
        {
            await esl.AudioStreamStartAsync(callUuid, new Uri(url), AudioStreamMix.Mono, _calls.StreamSampleRate, metadata.ToCommandArgument(), cancellationToken);
        }
        catch (EventSocketCommandException ex)
        {
            Log.StreamStartRefused(_logger, callUuid, domainUuid, ex.Message);
            return;
        }

        Interlocked.Increment(ref _streamsStarted);
        Log.StreamStarted(_logger, callUuid, domainUuid, destination);
    }

    private async Task<SecretaryMatch?> FindSecretaryAsync(Guid domainUuid, string extension, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        TenantDirectory tenants = scope.ServiceProvider.GetRequiredService<TenantDirectory>();
        Tenant? tenant = await tenants.FindByIdAsync(domainUuid, cancellationToken);
        if (tenant is null || !tenant.Enabled)
        {
            return null;
        }

        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(domainUuid);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Guid? secretaryId = await db.Secretaries.AsNoTracking()
            .Where(s => s.Extension == extension && s.Enabled)
            .Select(s => (Guid?)s.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return secretaryId is null ? null : new SecretaryMatch(secretaryId.Value);
    }

    /// <summary>Where FreeSWITCH reaches our <c>/stream</c> endpoint: <c>Telephony:StreamBaseUrl</c>, else our own address.</summary>
    public string StreamBase()
    {
        if (_streamBase is not null)
        {
            return _streamBase;
        }

        string? configured = _telephony.StreamBaseUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return _streamBase = configured.TrimEnd('/');
        }

        string address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no HTTP address; set Telephony:StreamBaseUrl.");
        var uri = new Uri(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal));
        string host = uri.Host is "localhost" ? "127.0.0.1" : uri.Host;
        string scheme = uri.Scheme == "https" ? "wss" : "ws";
        return _streamBase = $"{scheme}://{host}:{uri.Port}";
    }

    private readonly record struct SecretaryMatch(Guid SecretaryId);

    private sealed record ParkedCall(string Uuid, Guid DomainUuid, string? Domain, string? Destination, string? CallerIdNumber, string? CallerIdName);

    private static partial class Log
    {
        [LoggerMessage(2111, LogLevel.Information, "Started the media stream of call {CallId} of tenant {TenantId} to {Destination}")]
        public static partial void StreamStarted(ILogger logger, string callId, Guid tenantId, string destination);

        [LoggerMessage(2112, LogLevel.Warning, "FreeSWITCH refused to start the media stream of call {CallId} of tenant {TenantId}: {Reply}")]
        public static partial void StreamStartRefused(ILogger logger, string callId, Guid tenantId, string reply);

        [LoggerMessage(2113, LogLevel.Warning, "Could not start the media stream of call {CallId}")]
        public static partial void StreamStartFailed(ILogger logger, string callId, Exception exception);

        [LoggerMessage(2114, LogLevel.Warning, "Could not re-read the parked calls after the Event Socket reconnected")]
        public static partial void ResyncFailed(ILogger logger, Exception exception);
    }
}
