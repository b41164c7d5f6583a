using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Sandbox.Events;
using Switchboard.Sandbox.EventSocket;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox;

/// <summary>
/// The built-in PBX: a strict stand-in for FreeSWITCH 1.10 with mod_audio_stream, reachable only over real sockets
/// (the event socket on <see cref="EslEndPoint"/>, and the audio stream WebSocket it opens to the product).
/// </summary>
public sealed class SandboxPbx : IAsyncDisposable
{
    private readonly SwitchCore _core;
    private readonly ChannelWatcher _watcher = new();
    private EventSocketServer? _server;
    private int _disposed;

    public SandboxPbx(SandboxOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new SandboxOptions();
        _core = new SwitchCore(Options, loggerFactory ?? NullLoggerFactory.Instance);
        _core.Bus.Add(_watcher);
    }

    public SandboxOptions Options { get; }

    /// <summary>Where the event socket listens (after <see cref="StartAsync"/>).</summary>
    public IPEndPoint EslEndPoint => _server?.EndPoint ?? throw new InvalidOperationException("The sandbox is not started.");

    /// <summary>The <c>Core-UUID</c> of every event.</summary>
    public string CoreUuid => _core.CoreUuid;

    /// <summary>The 20 ms media driver of every channel (started by <see cref="StartAsync"/>).</summary>
    public MediaClock MediaClock => _core.MediaClock;

    /// <summary>The live channels, oldest first.</summary>
    public IReadOnlyList<SandboxChannel> Channels => _core.Channels.Snapshot();

    /// <summary>Opens the event socket.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_server is not null)
        {
            throw new InvalidOperationException("The sandbox is already started.");
        }

        Directory.CreateDirectory(Options.TempDirectory);
        Directory.CreateDirectory(Options.RecordingsDirectory);
        var address = IPAddress.Parse(Options.EslHost);
        var logger = _core.LoggerFactory.CreateLogger("Switchboard.Sandbox.EventSocket");
        _server = new EventSocketServer(_core, new IPEndPoint(address, Options.EslPort), logger);
        _server.Start();
        _core.MediaClock.Start();
        _core.StartHeartbeat();
        Log.Started(_core.Logger, _server.EndPoint);
        return Task.CompletedTask;
    }

    /// <summary>Adds a FusionPBX domain: its name is also its dialplan context.</summary>
    public void AddDomain(Guid domainUuid, string domainName) => _core.Directory.AddDomain(domainUuid, domainName);

    /// <summary>Configures a simulated phone (extension, ring group or queue number) of a domain.</summary>
    /// <summary>Whether calls to the secretary extensions are recorded by the dialplan (<c>record_session</c>), as
    /// deploy/freeswitch does; off, the dialplan leaves recording to Switchboard (<c>uuid_record</c>).</summary>
    public bool SecretaryDialplanRecords
    {
        get => _core.Dialplan.RecordSecretaryCalls;
        set => _core.Dialplan.RecordSecretaryCalls = value;
    }

    public void ConfigureExtension(string domainName, string number, SimulatedExtension behaviour) =>
        _core.Directory.ConfigureExtension(domainName, number, behaviour);

    /// <summary>Replaces a domain's secretary numbers (default: the <see cref="SandboxOptions.SecretaryRangeStart"/> range).</summary>
    public void SetSecretaryExtensions(string domainName, IEnumerable<string> numbers) =>
        _core.Directory.SetSecretaryExtensions(domainName, numbers);

    /// <summary>
    /// Places an inbound call into a domain: a <c>sofia/internal/&lt;cid&gt;@&lt;domain&gt;</c> channel routed through the
    /// domain's dialplan (a secretary number answers and parks: CHANNEL_CREATE → CHANNEL_ANSWER → CHANNEL_PARK).
    /// </summary>
    public Task<SandboxChannel> PlaceInboundCallAsync(SandboxCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_core.PlaceInboundCall(request));
    }

    /// <summary>
    /// Cuts every Event Socket client connection (a network failure or a restart of mod_event_socket). Calls are
    /// not affected, as on FreeSWITCH; clients may connect again at once. Returns how many were cut.
    /// </summary>
    public int DropEventSocketConnections() =>
        _server?.DropConnections() ?? throw new InvalidOperationException("The sandbox is not started.");

    /// <summary>The live channel with that UUID, if any.</summary>
    public SandboxChannel? FindChannel(string uuid) => _core.Channels.TryGet(uuid, out var channel) ? channel : null;

    /// <summary>Waits until a live channel matches <paramref name="predicate"/> (e.g. the leg ringing a simulated phone).</summary>
    public async Task<SandboxChannel> WaitForChannelAsync(Func<SandboxChannel, bool> predicate, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var next = _watcher.Next;
            var match = _core.Channels.Snapshot().FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_core.Sync)
        {
            foreach (var channel in _core.Channels.Snapshot())
            {
                channel.HangupNow("SYSTEM_SHUTDOWN");
            }
        }

        await _core.StopAsync();
        await _core.Work.WaitAllAsync(TimeSpan.FromSeconds(10));
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _core.MediaClock.DisposeAsync();

        _core.Bus.Remove(_watcher);
        _core.Dispose();
    }

    /// <summary>Signals every fired event so waiters can re-check the channel list.</summary>
    private sealed class ChannelWatcher : IEventListener
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Deliver(SandboxEvent e) =>
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
