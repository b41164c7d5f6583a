using System.Text;
using Switchboard.Sandbox.Dialplan;
using Switchboard.Sandbox.Events;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox;

/// <summary>How a blocking wait inside an application ended.</summary>
internal enum WaitOutcome
{
    Completed,
    Break,
    Interrupted,
}

/// <summary>
/// The channel's session: the state machine, application execution, the private message queue (sendmsg/broadcast)
/// with event-lock and lead frames, <c>uuid_break</c>, transfers and bridges.
/// </summary>
public sealed partial class SandboxChannel
{
    private readonly Queue<ChannelMessage> _messages = new();
    private TaskCompletionSource _wake;
    private StartAction? _pending;
    private bool _break;
    private bool _broadcast;
    private bool _stopBroadcast;
    private int _eventLock;
    private int _depth;
    private readonly Dictionary<string, PendingPlayback> _playbacks = new(StringComparer.Ordinal);

    internal string? CurrentApplication { get; private set; }

    /// <summary>The <c>Application-UUID</c> of the application now executing.</summary>
    internal string? CurrentApplicationUuid { get; private set; }

    internal bool IsParked { get; set; }

    /// <summary>Wakes whatever the session is waiting on; call under the switch lock.</summary>
    internal void Wake()
    {
        var old = _wake;
        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }

    /// <summary>Queues a private message (<c>sendmsg</c>, <c>uuid_broadcast</c>).</summary>
    internal void QueueMessage(ChannelMessage message, bool broadcast = false)
    {
        _ = broadcast;
        lock (_core.Sync)
        {
            if (IsHungUp)
            {
                return;
            }

            _messages.Enqueue(message);
            Wake();
        }
    }

    /// <summary><c>uuid_break [all]</c>: stops the current playback (or broadcast); <c>all</c> flushes the queue too.</summary>
    internal void Break(bool all)
    {
        if (all)
        {
            _messages.Clear();
            DropUnstartedPlaybacks();
        }

        if (_broadcast)
        {
            _stopBroadcast = true;
        }

        Media.BreakPlayback(all);
        _break = true;
        Wake();
    }

    /// <summary><c>switch_channel_stop_broadcast</c>.</summary>
    internal void StopBroadcast()
    {
        if (_broadcast)
        {
            _stopBroadcast = true;
            _break = true;
            Wake();
        }
    }

    /// <summary>
    /// <c>switch_ivr_session_transfer</c>: the channel leaves what it is doing and routes <paramref name="destination"/>
    /// in the given dialplan and context. A bridged partner is released (and usually hung up).
    /// </summary>
    internal bool Transfer(string destination, string dialplan, string context)
    {
        if (IsHungUp)
        {
            return false;
        }

        if (Partner is not null)
        {
            Unbridge();
        }

        Media.BreakPlayback(all: true);
        DropUnstartedPlaybacks();
        SortCallerId();
        Profile.Transferred = _core.NowMicroseconds;
        var index = HangupCauses.Atoi(Profile.ProfileIndex) + 1;
        Vars.Set("transfer_source", $"{_core.NowMicroseconds / 1_000_000}:{Uuid}:uuid_br:{destination}/{context}/{dialplan}");
        Profile.Rdnis = Profile.DestinationNumber;
        Profile.DestinationNumber = destination;
        Profile.Dialplan = dialplan;
        Profile.Context = context;
        Profile.ProfileIndex = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _pending = StartAction.Route;
        if (!_start.Task.IsCompleted)
        {
            _start.TrySetResult(StartAction.Route);
            _pending = null;
        }

        Wake();
        return true;
    }

    /// <summary>Asks the session to leave its current application and run <paramref name="action"/> instead.</summary>
    internal void Interrupt(StartAction action)
    {
        _pending = action;
        Wake();
    }

    /// <summary>The session loop, owned by the core's background work.</summary>
    internal async Task RunSessionAsync()
    {
        try
        {
            var next = await _start.Task;
            lock (_core.Sync)
            {
                if (next is not null && !IsHungUp)
                {
                    SetState(ChannelStates.Init);
                }
            }

            while (next is not null)
            {
                lock (_core.Sync)
                {
                    // A transfer or bridge requested before this step began wins over it.
                    if (_pending is not null)
                    {
                        next = _pending;
                        _pending = null;
                    }
                }

                if (next.BridgeTo is { } partner)
                {
                    next = await RunBridgedAsync(partner, next.BridgeOriginator);
                    if (next is null)
                    {
                        lock (_core.Sync)
                        {
                            next = AfterBridgeLocked();
                        }
                    }

                    continue;
                }

                IReadOnlyList<DialplanAction>? applications;
                lock (_core.Sync)
                {
                    if (IsHungUp)
                    {
                        break;
                    }

                    applications = next.Applications ?? RouteLocked();
                    if (applications is null)
                    {
                        HangupNow("NO_ROUTE_DESTINATION");
                        break;
                    }

                    SetState(ChannelStates.Execute);
                }

                next = null;
                var finished = true;
                foreach (var application in applications)
                {
                    await ExecuteApplicationAsync(application.Application, application.Data, message: null);
                    lock (_core.Sync)
                    {
                        if (IsHungUp)
                        {
                            finished = false;
                            break;
                        }

                        if (_pending is not null)
                        {
                            next = _pending;
                            _pending = null;
                            finished = false;
                            break;
                        }
                    }
                }

                if (finished)
                {
                    lock (_core.Sync)
                    {
                        // The extension ran out of applications.
                        HangupNow(HangupCauses.NormalClearing);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            Log.SessionFailed(_core.Logger, Name, ex);
            lock (_core.Sync)
            {
                HangupNow("CRASH");
            }
        }
        finally
        {
            lock (_core.Sync)
            {
                HangupNow(HangupCauses.NormalClearing);
            }

            await Media.DisposeAsync();
            lock (_core.Sync)
            {
                foreach (var pending in _playbacks.Values)
                {
                    pending.Done.TrySetResult("FILE PLAYED");
                }

                _playbacks.Clear();
                Report();
            }
        }
    }

    private IReadOnlyList<DialplanAction>? RouteLocked()
    {
        SetState(ChannelStates.Routing);
        var applications = _core.Dialplan.Route(Profile.Dialplan, Profile.Context, Profile.DestinationNumber);
        if (string.Equals(Profile.Dialplan, "inline", StringComparison.OrdinalIgnoreCase) && applications is not null)
        {
            // inline_dialplan_hunt puts the previous destination back and blanks the RDNIS.
            Profile.DestinationNumber = Profile.Rdnis;
            Profile.Rdnis = string.Empty;
        }

        return applications;
    }

    /// <summary>Runs one application with <c>CHANNEL_EXECUTE</c>/<c>CHANNEL_EXECUTE_COMPLETE</c> around it.</summary>
    internal async Task ExecuteApplicationAsync(string name, string? data, ChannelMessage? message)
    {
        ApplicationRegistry.Application? application;
        string expanded;
        string appUuid;
        lock (_core.Sync)
        {
            if (IsHungUp)
            {
                return;
            }

            application = _core.Applications.Find(name);
            if (application is null)
            {
                Log.InvalidApplication(_core.Logger, name, Name);
                HangupNow("DESTINATION_OUT_OF_ORDER");
                return;
            }

            expanded = Expand(data ?? string.Empty);
            appUuid = Vars.Get("app_uuid") ?? SwitchCore.NewUuid();
            Vars.Set("current_application", application.Name);
            Vars.Set("current_application_data", expanded);
            Vars.Set("current_application_response", null);
            CurrentApplication = application.Name;
            CurrentApplicationUuid = appUuid;
            var eventUuidName = Vars.Get("app_uuid_name");
            Fire(EventNames.ChannelExecute, new("switch_core_session.c", "switch_core_session_exec", 2954), e =>
            {
                e.Add("Application", application.Name);
                e.Add("Application-Data", expanded);
                e.Add("Application-UUID", appUuid);
                if (eventUuidName is not null)
                {
                    e.Add("Application-UUID-Name", eventUuidName);
                }
            });
            _break = false;
        }

        string? response = null;
        _depth++;
        try
        {
            response = await application.Run(this, expanded);
        }
        finally
        {
            _depth--;
        }

        lock (_core.Sync)
        {
            response ??= Vars.Get("current_application_response");
            Fire(EventNames.ChannelExecuteComplete, new("switch_core_session.c", "switch_core_session_exec", 3003), e =>
            {
                e.Add("Application", application.Name);
                e.Add("Application-Data", expanded);
                e.Add("Application-Response", response ?? "_none_");
                e.Add("Application-UUID", appUuid);
            });
            Vars.Set("app_uuid", null);
            Vars.Set("app_uuid_name", null);
            if (_depth == 0)
            {
                CurrentApplication = null;
            }
        }

        _ = message;
    }

    /// <summary>
    /// The wait of a blocking application: returns when <paramref name="completion"/> ends, on a break (if honoured),
    /// or when the channel hangs up or is transferred; queued messages run nested meanwhile unless event-locked.
    /// </summary>
    internal async Task<WaitOutcome> WaitAsync(Task? completion, bool honorBreak)
    {
        while (true)
        {
            Task wake;
            bool process;
            lock (_core.Sync)
            {
                if (IsHungUp || _pending is not null)
                {
                    return WaitOutcome.Interrupted;
                }

                if (honorBreak && _break)
                {
                    _break = false;
                    return WaitOutcome.Break;
                }

                if (completion is { IsCompleted: true })
                {
                    return WaitOutcome.Completed;
                }

                process = CanProcessMessageLocked() && _depth < 16;
                wake = _wake.Task;
            }

            if (process)
            {
                await ProcessNextMessageAsync();
                continue;
            }

            if (completion is null)
            {
                await wake;
            }
            else
            {
                await Task.WhenAny(wake, completion);
            }
        }
    }

    /// <summary><c>switch_ivr_parse_event</c> for the next queued message.</summary>
    private async Task ProcessNextMessageAsync()
    {
        ChannelMessage message;
        bool eventLock;
        lock (_core.Sync)
        {
            if (_messages.Count == 0)
            {
                return;
            }

            message = _messages.Dequeue();
            if (IsPlayback(message))
            {
                // Playbacks go straight to the media queue, which keeps FreeSWITCH's seams and lead frames;
                // their events follow the media notifications.
                StartQueuedPlayback(message);
                return;
            }

            eventLock = ChannelVariables.True(message.Get("event-lock")) || ChannelVariables.True(message.Get("event-lock-pri"));
            if (eventLock)
            {
                _eventLock++;
            }
        }

        try
        {
            var command = message.Get("call-command");
            if (string.IsNullOrEmpty(command))
            {
                return;
            }

            var leadFrames = HangupCauses.Atoi(message.Get("lead-frames"));
            bool mediaReady;
            lock (_core.Sync)
            {
                mediaReady = _answered || _earlyMedia;
            }

            if (leadFrames > 0 && mediaReady)
            {
                try
                {
                    await Media.WaitFramesAsync(leadFrames, HangupToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            switch (command)
            {
                case "execute":
                    await ExecuteMessageAsync(message);
                    break;
                case "hangup":
                    lock (_core.Sync)
                    {
                        var cause = message.Get("hangup-cause") is { } name ? HangupCauses.Parse(name) : HangupCauses.NormalClearing;
                        HangupNow(cause);
                    }

                    break;
                case "xferext":
                    var applications = new List<DialplanAction>();
                    foreach (var header in message.Headers)
                    {
                        if (string.Equals(header.Key, "application", StringComparison.OrdinalIgnoreCase))
                        {
                            var space = header.Value.IndexOf(' ', StringComparison.Ordinal);
                            applications.Add(space >= 0
                                ? new DialplanAction(header.Value[..space], header.Value[(space + 1)..])
                                : new DialplanAction(header.Value, null));
                        }
                    }

                    lock (_core.Sync)
                    {
                        Interrupt(new StartAction(applications, null));
                    }

                    break;
            }
        }
        finally
        {
            lock (_core.Sync)
            {
                if (eventLock)
                {
                    _eventLock--;
                }

                FirePrivateCommand(message);
            }
        }
    }

    private async Task ExecuteMessageAsync(ChannelMessage message)
    {
        var application = message.Get("execute-app-name");
        if (application is null)
        {
            return;
        }

        var argument = message.Get("execute-app-arg");
        if (string.IsNullOrEmpty(argument) && string.Equals(message.Get("content-type"), "text/plain", StringComparison.OrdinalIgnoreCase))
        {
            argument = message.Body;
        }

        var loops = message.Get("loops") is { } l ? HangupCauses.Atoi(l) : 1;
        bool inner;
        lock (_core.Sync)
        {
            _stopBroadcast = false;
            inner = _broadcast;
            _broadcast = true;
        }

        for (var x = 0; x < loops || loops < 0; x++)
        {
            var before = _core.Time.GetTimestamp();
            lock (_core.Sync)
            {
                if (message.Get("event-uuid") is { } eventUuid)
                {
                    Vars.Set("app_uuid", eventUuid);
                }

                if (message.Get("event-uuid-name") is { } eventUuidName)
                {
                    Vars.Set("app_uuid_name", eventUuidName);
                }

                Vars.Set("current_loop", (x + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Vars.Set("total_loops", loops.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            await ExecuteApplicationAsync(application, argument, message);
            lock (_core.Sync)
            {
                if (IsHungUp || _stopBroadcast || _pending is not null
                    || _core.Time.GetElapsedTime(before) < TimeSpan.FromMilliseconds(500))
                {
                    break;
                }
            }
        }

        lock (_core.Sync)
        {
            Vars.Set("current_loop", null);
            Vars.Set("total_loops", null);
            if (!inner)
            {
                _broadcast = false;
            }

            if (_stopBroadcast)
            {
                _broadcast = false;
                _break = true;
            }
        }
    }

    /// <summary>True while a file plays, is queued, or a queued <c>sendmsg</c> will start one: what the caller still hears.</summary>
    public bool IsPlayingAudio
    {
        get
        {
            lock (_core.Sync)
            {
                return _playbacks.Count > 0 || Media.PlaybackBusy || _messages.Any(IsPlayback);
            }
        }
    }

    /// <summary>A message may run when nothing event-locked is running and, unless it is itself a playback, no playback is pending.</summary>
    private bool CanProcessMessageLocked() =>
        _messages.Count > 0 && _eventLock == 0 && (IsPlayback(_messages.Peek()) || (_playbacks.Count == 0 && !Media.PlaybackBusy));

    private static bool IsPlayback(ChannelMessage message) =>
        message.Get("call-command") == "execute"
        && string.Equals(message.Get("execute-app-name"), "playback", StringComparison.OrdinalIgnoreCase);

    /// <summary>Hands a queued <c>execute playback</c> to the media queue; events fire as it starts and stops.</summary>
    private void StartQueuedPlayback(ChannelMessage message)
    {
        var argument = message.Get("execute-app-arg");
        if (string.IsNullOrEmpty(argument) && string.Equals(message.Get("content-type"), "text/plain", StringComparison.OrdinalIgnoreCase))
        {
            argument = message.Body;
        }

        var path = Expand(argument ?? string.Empty);
        var loops = message.Get("loops") is { } l ? HangupCauses.Atoi(l) : 1;
        var broadcast = HangupCauses.Atoi(message.Get("lead-frames")) > 0;
        var pending = new PendingPlayback(message.Get("event-uuid") ?? SwitchCore.NewUuid(), path, message, loops, broadcast)
        {
            EventUuidName = message.Get("event-uuid-name"),
        };
        _playbacks[pending.ApplicationUuid] = pending;
        if (!Media.Enqueue(path, broadcast, pending.ApplicationUuid))
        {
            Complete(pending, "FILE NOT FOUND");
        }
    }

    /// <summary>Queues a dialplan <c>playback</c> (the app waits for <see cref="PendingPlayback.Done"/>).</summary>
    internal PendingPlayback StartDialplanPlayback(string path, string applicationUuid)
    {
        var pending = new PendingPlayback(applicationUuid, path, null, 1, broadcast: false);
        _playbacks[applicationUuid] = pending;
        if (!Media.Enqueue(path, broadcast: false, applicationUuid))
        {
            Complete(pending, "FILE NOT FOUND");
        }

        return pending;
    }

    /// <summary>A media playback transition (under the switch lock): PLAYBACK_START/STOP and, for queued messages, the execute events.</summary>
    internal void OnPlaybackNotification(PlaybackNotification notification)
    {
        if (notification.ApplicationUuid is null || !_playbacks.TryGetValue(notification.ApplicationUuid, out var pending) || IsHungUp)
        {
            return;
        }

        var source = PlaybackSource.Resolve(pending.Path);
        var streamType = source?.StreamType;
        switch (notification.Kind)
        {
            case PlaybackNotificationKind.Started:
                if (pending.Message is not null)
                {
                    FireExecute(pending, "playback");
                }

                pending.Started = true;
                pending.StartedAt = _core.Time.GetTimestamp();
                Fire(EventNames.PlaybackStart, new("switch_ivr_play_say.c", "switch_ivr_play_file", 1576), e =>
                {
                    e.Add("Playback-File-Path", pending.Path);
                    if (streamType is not null)
                    {
                        e.Add("Playback-File-Type", streamType);
                    }
                });
                break;

            case PlaybackNotificationKind.Stopped:
                var elapsed = _core.Time.GetElapsedTime(pending.StartedAt);
                Vars.Set("playback_seconds", ((int)elapsed.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Vars.Set("playback_ms", ((long)elapsed.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Vars.Set("playback_samples", ((long)(elapsed.TotalSeconds * 8000)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Vars.Set("current_application_response", "FILE PLAYED");
                Fire(EventNames.PlaybackStop, new("switch_ivr_play_say.c", "switch_ivr_play_file", 2022), e =>
                {
                    e.Add("Playback-File-Path", pending.Path);
                    if (streamType is not null)
                    {
                        e.Add("Playback-File-Type", streamType);
                    }

                    e.Add("Playback-Status", notification.Status ?? "done");
                });
                if (pending.Message is not null)
                {
                    FireExecuteComplete(pending, "playback", "FILE PLAYED");
                    pending.Loop++;
                    if (notification.Status == "done" && (pending.Loops < 0 || pending.Loop < pending.Loops)
                        && _core.Time.GetElapsedTime(pending.StartedAt) >= TimeSpan.FromMilliseconds(500))
                    {
                        pending.Started = false;
                        if (Media.Enqueue(pending.Path, pending.Broadcast, pending.ApplicationUuid))
                        {
                            return;
                        }
                    }

                    FirePrivateCommand(pending.Message);
                }

                Complete(pending, "FILE PLAYED");
                break;

            case PlaybackNotificationKind.Failed:
                Vars.Set("current_application_response", "FILE NOT FOUND");
                if (pending.Message is not null)
                {
                    FireExecute(pending, "playback");
                    FireExecuteComplete(pending, "playback", "FILE NOT FOUND");
                    FirePrivateCommand(pending.Message);
                }

                Complete(pending, "FILE NOT FOUND");
                break;
        }
    }

    private void Complete(PendingPlayback pending, string response)
    {
        _playbacks.Remove(pending.ApplicationUuid);
        pending.Done.TrySetResult(response);
        Wake();
    }

    /// <summary><c>uuid_break all</c> and transfers flush queued playbacks: they never ran, so nothing is reported.</summary>
    private void DropUnstartedPlaybacks()
    {
        foreach (var pending in _playbacks.Values.Where(p => !p.Started).ToArray())
        {
            _playbacks.Remove(pending.ApplicationUuid);
            pending.Done.TrySetResult("FILE PLAYED");
        }
    }

    private void FireExecute(PendingPlayback pending, string application) =>
        Fire(EventNames.ChannelExecute, new("switch_core_session.c", "switch_core_session_exec", 2954), e =>
        {
            e.Add("Application", application);
            e.Add("Application-Data", pending.Path);
            e.Add("Application-UUID", pending.ApplicationUuid);
            if (pending.EventUuidName is not null)
            {
                e.Add("Application-UUID-Name", pending.EventUuidName);
            }
        });

    private void FireExecuteComplete(PendingPlayback pending, string application, string response) =>
        Fire(EventNames.ChannelExecuteComplete, new("switch_core_session.c", "switch_core_session_exec", 3003), e =>
        {
            e.Add("Application", application);
            e.Add("Application-Data", pending.Path);
            e.Add("Application-Response", response);
            e.Add("Application-UUID", pending.ApplicationUuid);
        });

    /// <summary>After a message ran, FreeSWITCH re-fires it as <c>PRIVATE_COMMAND</c> with the channel's data.</summary>
    private void FirePrivateCommand(ChannelMessage message)
    {
        var e = _core.Events.Create(EventNames.PrivateCommand, new("switch_ivr.c", "switch_ivr_parse_next_event", 806));
        foreach (var header in message.Headers)
        {
            e.Add(header.Key, header.Value);
        }

        AddEventData(e, withVariables: false);
        e.Body = message.Body;
        _core.Bus.Fire(e);
    }

    /// <summary>
    /// The bridged state: waits until the bridge ends. Returns the action the channel was asked to take instead
    /// (transfer, another bridge), or null when it hung up or its partner left.
    /// </summary>
    internal async Task<StartAction?> RunBridgedAsync(SandboxChannel partner, bool originator)
    {
        lock (_core.Sync)
        {
            if (IsHungUp)
            {
                return null;
            }

            if (originator && Partner is null && !partner.IsHungUp)
            {
                BridgeWith(partner);
            }

            SetState(ChannelStates.ExchangeMedia);
        }

        var joined = false;
        while (true)
        {
            Task wake;
            bool process;
            lock (_core.Sync)
            {
                if (IsHungUp)
                {
                    return null;
                }

                if (_pending is not null)
                {
                    var next = _pending;
                    _pending = null;
                    return next;
                }

                if (Partner is not null)
                {
                    joined = true;
                }
                else if (joined || partner.IsHungUp)
                {
                    break;
                }

                process = CanProcessMessageLocked();
                wake = _wake.Task;
            }

            if (process)
            {
                await ProcessNextMessageAsync();
                continue;
            }

            await wake;
        }

        return null;
    }

    /// <summary>What a leg whose bridge ended does next (§7.4): park, transfer, or hang up.</summary>
    internal StartAction? AfterBridgeLocked()
    {
        if (IsHungUp)
        {
            return null;
        }

        if (Vars.IsTrue("park_after_bridge"))
        {
            return StartAction.Run(new DialplanAction("park", null));
        }

        if (Vars.Get("transfer_after_bridge") is { Length: > 0 } target)
        {
            var parts = target.Split(':');
            Transfer(parts[0], parts.Length > 1 ? parts[1] : "XML", parts.Length > 2 ? parts[2] : Profile.Context);
            var next = _pending;
            _pending = null;
            return next;
        }

        HangupNow(_answered ? HangupCauses.NormalClearing : "ORIGINATOR_CANCEL");
        return null;
    }

    /// <summary><c>switch_channel_expand_variables</c> for <c>${name}</c> (nested braces are not expanded).</summary>
    private string Expand(string data)
    {
        if (!data.Contains("${", StringComparison.Ordinal))
        {
            return data;
        }

        var sb = new StringBuilder(data.Length);
        var i = 0;
        while (i < data.Length)
        {
            if (data[i] == '$' && i + 1 < data.Length && data[i + 1] == '{')
            {
                var end = data.IndexOf('}', i + 2);
                if (end > 0)
                {
                    var name = data[(i + 2)..end];
                    sb.Append(Lookup(name));
                    i = end + 1;
                    continue;
                }
            }

            sb.Append(data[i]);
            i++;
        }

        return sb.ToString();
    }

    private string Lookup(string name)
    {
        var open = name.IndexOf('(', StringComparison.Ordinal);
        if (open > 0 && name.EndsWith(')'))
        {
            // ${api(args)} runs an API command; the sandbox knows strftime.
            var api = name[..open];
            var args = name[(open + 1)..^1];
            return string.Equals(api, "strftime", StringComparison.OrdinalIgnoreCase)
                ? Strftime.Format(args, TimeZoneInfo.ConvertTime(_core.Time.GetUtcNow(), _core.Time.LocalTimeZone))
                : string.Empty;
        }

        return name switch
        {
            "uuid" => Uuid,
            "destination_number" => Profile.DestinationNumber,
            "caller_id_number" => Profile.CallerIdNumber,
            "caller_id_name" => Profile.CallerIdName,
            "context" => Profile.Context,
            _ => Vars.Get(name) ?? _core.GlobalVariable(name) ?? string.Empty,
        };
    }

    /// <summary>A playback handed to the media queue, waiting for its notifications.</summary>
    internal sealed class PendingPlayback(string applicationUuid, string path, ChannelMessage? message, int loops, bool broadcast)
    {
        public string ApplicationUuid { get; } = applicationUuid;

        public string Path { get; } = path;

        public ChannelMessage? Message { get; } = message;

        public int Loops { get; } = loops;

        public bool Broadcast { get; } = broadcast;

        public string? EventUuidName { get; init; }

        public int Loop { get; set; }

        public bool Started { get; set; }

        public long StartedAt { get; set; }

        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
