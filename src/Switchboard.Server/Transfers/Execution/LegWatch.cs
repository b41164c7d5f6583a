using System.Globalization;
using Switchboard.Protocols.FreeSwitch.EventSocket;

namespace Switchboard.Server.Transfers.Execution;

/// <summary>Follows one channel's events (subscribed before the channel exists, thanks to <c>origination_uuid</c>):
/// hangup, its CHANNEL_HANGUP_COMPLETE (for <c>sip_term_status</c>), park, and joining or leaving one conference.
/// Its reading loop ends and is awaited on dispose.</summary>
internal sealed class LegWatch : IAsyncDisposable
{
    private readonly EventSubscription _subscription;
    private readonly string? _conference;
    private readonly TaskCompletionSource<EventSocketEvent> _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<EventSocketEvent> _hangupComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;
    private TaskCompletionSource? _park;
    private TaskCompletionSource? _playing;
    private int _seen;

    private LegWatch(EventSocketClient esl, string uuid, string? conference)
    {
        Uuid = uuid;
        _conference = conference;
        _subscription = esl.Subscribe(uuid);
        _pump = PumpAsync();
    }

    public string Uuid { get; }

    /// <summary>Completes with the first CHANNEL_HANGUP or CHANNEL_HANGUP_COMPLETE of the channel.</summary>
    public Task<EventSocketEvent> HungUp => _hungUp.Task;

    public Task<EventSocketEvent> HangupComplete => _hangupComplete.Task;

    /// <summary>The member id from the channel's <c>add-member</c> in the watched conference.</summary>
    public Task<int> Joined => _joined.Task;

    /// <summary>The channel's <c>del-member</c> from the watched conference.</summary>
    public Task Left => _left.Task;

    /// <summary>True once any event of the channel arrived (so a channel exists or existed).</summary>
    public bool SeenAnyEvent => Volatile.Read(ref _seen) != 0;

    public static LegWatch Start(EventSocketClient esl, string uuid, string? conference = null) => new(esl, uuid, conference);

    /// <summary>Completes when the playback seen starting (PLAYBACK_START) has stopped; at once when none plays.</summary>
    public Task PlaybackStopped => Volatile.Read(ref _playing)?.Task ?? Task.CompletedTask;

    /// <summary>A task for the channel's next CHANNEL_PARK; ask before the action that parks it.</summary>
    public Task NextParkAsync()
    {
        var park = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _park, park);
        return park.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _pump;
    }

    private async Task PumpAsync()
    {
        await foreach (EventSocketEvent e in _subscription.Reader.ReadAllAsync())
        {
            Volatile.Write(ref _seen, 1);
            switch (e.Name)
            {
                case "CHANNEL_HANGUP":
                    _hungUp.TrySetResult(e);
                    break;
                case "CHANNEL_HANGUP_COMPLETE":
                    _hungUp.TrySetResult(e);
                    _hangupComplete.TrySetResult(e);
                    break;
                case "PLAYBACK_START":
                    Volatile.Write(ref _playing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    break;
                case "PLAYBACK_STOP":
                    Volatile.Read(ref _playing)?.TrySetResult();
                    break;
                case "CHANNEL_PARK":
                    Volatile.Read(ref _park)?.TrySetResult();
                    break;
                case "CUSTOM" when e.Subclass == "conference::maintenance" && _conference is not null
                    && string.Equals(e["Conference-Name"], _conference, StringComparison.OrdinalIgnoreCase):
                    if (e["Action"] == "add-member"
                        && int.TryParse(e["Member-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                    {
                        _joined.TrySetResult(id);
                    }
                    else if (e["Action"] == "del-member")
                    {
                        _left.TrySetResult();
                    }

                    break;
            }
        }
    }
}

/// <summary>Completes <see cref="Lost"/> when the Event Socket connection drops during a transfer: events of that gap
/// (a key press, a hangup) are gone for good, so the transfer is abandoned and cleaned up once reconnected.</summary>
internal sealed class ConnectionWatch : IDisposable
{
    private readonly EventSocketClient _esl;
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConnectionWatch(EventSocketClient esl)
    {
        _esl = esl;
        esl.StateChanged += OnStateChanged;
        if (esl.State != EventSocketState.Connected)
        {
            _lost.TrySetResult();
        }
    }

    public Task Lost => _lost.Task;

    public void Dispose() => _esl.StateChanged -= OnStateChanged;

    private void OnStateChanged(EventSocketState state)
    {
        if (state != EventSocketState.Connected)
        {
            _lost.TrySetResult();
        }
    }
}
