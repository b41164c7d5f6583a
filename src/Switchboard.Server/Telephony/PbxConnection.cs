using Microsoft.Extensions.Options;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox;
using Switchboard.Server.Observability;

namespace Switchboard.Server.Telephony;

/// <summary>
/// The Event Socket connection to the PBX — the in-process sandbox or a real FreeSWITCH. Hosted
/// first among the telephony services so the client exists before anyone uses it; it reconnects on
/// its own and reports its state to the metrics and to <c>/health/ready</c>.
/// </summary>
public sealed partial class PbxConnection : IHostedService, IAsyncDisposable
{
    private readonly TelephonyOptions _options;
    private readonly SwitchboardMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PbxConnection> _logger;
    private readonly ILogger<EventSocketClient> _clientLogger;
    private readonly SandboxPbx? _sandbox;
    private readonly SandboxOptions? _sandboxOptions;
    private Task? _connecting;
    private EventSocketClient? _client;

    public PbxConnection(
        IOptions<TelephonyOptions> options,
        SwitchboardMetrics metrics,
        TimeProvider time,
        ILogger<PbxConnection> logger,
        ILogger<EventSocketClient> clientLogger,
        SandboxPbx? sandbox = null,
        SandboxOptions? sandboxOptions = null)
    {
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _clientLogger = clientLogger;
        _sandbox = sandbox;
        _sandboxOptions = sandboxOptions;
    }

    public EventSocketClient Client => _client ?? throw new InvalidOperationException("The PBX connection has not started yet.");

    public bool IsConnected => _client?.State == EventSocketState.Connected;

    public PbxMode Mode => _options.Mode;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        EventSocketOptions esl = _options.Mode == PbxMode.Sandbox && _sandbox is not null
            ? new EventSocketOptions { Host = _sandbox.EslEndPoint.Address.ToString(), Port = _sandbox.EslEndPoint.Port, Password = _sandboxOptions?.EslPassword ?? "ClueCon" }
            : new EventSocketOptions { Host = _options.EventSocketHost, Port = _options.EventSocketPort, Password = _options.EventSocketPassword };

        _client = new EventSocketClient(esl, _time, _clientLogger);
        _client.StateChanged += OnStateChanged;
        Log.Connecting(_logger, _options.Mode.ToString(), esl.Host, esl.Port);

        // The sandbox is local: wait for it. A real FreeSWITCH may be down at start; the client keeps
        // trying in the background and readiness reports it.
        _connecting = _client.StartAsync(cancellationToken);
        if (_options.Mode == PbxMode.Sandbox)
        {
            await _connecting;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_connecting is not null)
        {
            try
            {
                await _connecting;
            }
            catch (Exception ex) when (ex is OperationCanceledException or EventSocketException or ObjectDisposedException)
            {
                // Never connected before stopping: nothing to report beyond the state changes already logged.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    private void OnStateChanged(EventSocketState state)
    {
        _metrics.SetEslConnected(state == EventSocketState.Connected);
        if (state == EventSocketState.Reconnecting)
        {
            _metrics.EslReconnected();
        }

        Log.StateChanged(_logger, state.ToString());
    }

    private static partial class Log
    {
        [LoggerMessage(2101, LogLevel.Information, "Connecting to the PBX ({Mode}) Event Socket at {Host}:{Port}")]
        public static partial void Connecting(ILogger logger, string mode, string host, int port);

        [LoggerMessage(2102, LogLevel.Information, "PBX Event Socket is {State}")]
        public static partial void StateChanged(ILogger logger, string state);
    }
}
