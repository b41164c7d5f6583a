using System.Net.Sockets;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

public sealed partial class EventSocketClient
{
    private const string BackgroundJobEvent = "BACKGROUND_JOB";

    /// <summary>The connection loop: connect, handshake, serve until the connection ends, back off, repeat. Every way a
    /// connection ends comes back here; only a refused password or subscription stops it (retrying cannot help).</summary>
    private async Task RunAsync(CancellationToken stop)
    {
        bool everConnected = false;
        int failures = 0;
        while (!stop.IsCancellationRequested)
        {
            SetState(everConnected ? EventSocketState.Reconnecting : EventSocketState.Connecting);
            EventSocketConnection? connection = null;
            bool served = false;
            string reason = "connect failed";
            Exception? error = null;
            try
            {
                connection = await ConnectAsync(stop);
                Task<(string Reason, Exception? Error)> run = connection.RunAsync(OnMessageAsync);
                try
                {
                    await HandshakeAsync(connection, stop);
                }
                catch (Exception ex)
                {
                    connection.Close("handshake failed", ex);
                    await run;
                    if (connection.Rejection is not null && !stop.IsCancellationRequested)
                    {
                        throw new EventSocketAuthenticationException(
                            $"FreeSWITCH at {_endpoint} rejected the connection: {connection.Rejection.Trim()}", ex);
                    }

                    throw;
                }

                if (everConnected)
                {
                    Interlocked.Increment(ref _reconnectCount);
                }

                everConnected = true;
                served = true;
                failures = 0;
                lock (_gate)
                {
                    _current = connection;
                    _connected.TrySetResult();
                }

                Log.Connected(_logger, _endpoint, ReconnectCount);
                SetState(EventSocketState.Connected);
                using (stop.Register(static state => ((EventSocketConnection)state!).Close("client disposed"), connection))
                using (var watchdogStop = new CancellationTokenSource())
                {
                    Task watchdog = _options.HeartbeatTimeout is { } idle
                        ? WatchLivenessAsync(connection, idle, watchdogStop.Token)
                        : Task.CompletedTask;
                    (reason, error) = await run;
                    await watchdogStop.CancelAsync();
                    await watchdog;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Disposed while connecting.
            }
            catch (Exception ex) when (ex is EventSocketAuthenticationException or EventSocketCommandException)
            {
                Log.StoppedForGood(_logger, _endpoint, ex.Message, ex);
                lock (_gate)
                {
                    _fatal = ex;
                }

                _connected.TrySetException(ex);
                break;
            }
            catch (Exception ex)
            {
                error = ex;
            }
            finally
            {
                lock (_gate)
                {
                    if (_current == connection)
                    {
                        _current = null;
                    }

                    if (_connected.Task.IsCompletedSuccessfully)
                    {
                        _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            TimeSpan delay = NextDelay(failures++);
            if (served)
            {
                Log.ConnectionLost(_logger, _endpoint, reason, delay, error);
            }
            else
            {
                Log.ConnectFailed(_logger, _endpoint, delay, error ?? new EventSocketDisconnectedException(reason));
            }

            SetState(everConnected ? EventSocketState.Reconnecting : EventSocketState.Connecting);
            try
            {
                await Task.Delay(delay, _time, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        SetState(EventSocketState.Stopped);
    }

    private async Task<EventSocketConnection> ConnectAsync(CancellationToken stop)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connecting to {_endpoint} took longer than {_options.ConnectTimeout}.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new EventSocketConnection(socket, _endpoint, _options.MaxMessageBytes, _time);
    }

    /// <summary>auth → event json … → filters (freeswitch.md §1.3, §1.11). Nothing else is sent before this completes.</summary>
    private async Task HandshakeAsync(EventSocketConnection connection, CancellationToken stop)
    {
        using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
        {
            try
            {
                await connection.WaitForAuthRequestAsync(linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                throw new TimeoutException($"{_endpoint} sent no auth/request within {_options.ConnectTimeout}.");
            }
        }

        EventSocketReply auth = await SendOnAsync(connection, EventSocketCommandWriter.Format("auth " + _options.Password), stop);
        if (!auth.IsOk)
        {
            throw new EventSocketAuthenticationException($"FreeSWITCH at {_endpoint} refused the password: {auth.ReplyText}");
        }

        EventSocketReply events = await SendOnAsync(connection, EventSocketCommandWriter.Format(_subscribeCommand), stop);
        if (!events.IsOk)
        {
            throw new EventSocketCommandException(_subscribeCommand, events.ReplyText);
        }

        foreach ((string header, string value) in FiltersToApply())
        {
            EventSocketReply reply = await SendOnAsync(connection, EventSocketCommandWriter.Format($"filter {header} {value}"), stop);
            if (!reply.IsOk)
            {
                Log.FilterRejected(_logger, header, value, reply.ReplyText);
            }
        }
    }

    private async Task<EventSocketReply> SendOnAsync(EventSocketConnection connection, byte[] frame, CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(_options.CommandTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            return EventSocketReply.FromMessage(await connection.SendAsync(frame).WaitAsync(linked.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            throw new TimeoutException($"{_endpoint} did not reply within {_options.CommandTimeout}.");
        }
    }

    /// <summary>Closes the connection when nothing has arrived for <paramref name="idle"/> (missed HEARTBEATs).</summary>
    private async Task WatchLivenessAsync(EventSocketConnection connection, TimeSpan idle, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                TimeSpan remaining = idle - _time.GetElapsedTime(connection.LastReceived);
                if (remaining <= TimeSpan.Zero)
                {
                    connection.Close("no data (missed heartbeats)", new TimeoutException($"Nothing received from {_endpoint} for {idle}."));
                    return;
                }

                await Task.Delay(remaining, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connection ended first.
        }
    }

    /// <summary>Exponential backoff with "equal jitter": half the delay fixed, half random, so that clients cut off
    /// together do not all come back at the same instant.</summary>
    private TimeSpan NextDelay(int failures)
    {
        double ceiling = Math.Min(
            _options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30)),
            _options.ReconnectMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    /// <summary>The event stream: events are decoded, bgapi results are matched by Job-UUID, then every event is
    /// dispatched to the subscriptions; a disconnect notice or rejection ends the connection.</summary>
    private async ValueTask<bool> OnMessageAsync(EventSocketConnection connection, EventSocketMessage message, CancellationToken cancellationToken)
    {
        switch (message.ContentType)
        {
            case EventSocketHeaders.EventJson:
            case EventSocketHeaders.EventPlain:
                EventSocketEvent e;
                try
                {
                    e = EventSocketParser.ParseEvent(message);
                }
                catch (EventSocketException ex)
                {
                    // The frame was intact, so the stream is still in sync: skip this event, keep the connection.
                    Interlocked.Increment(ref _malformedEvents);
                    Log.MalformedEvent(_logger, message.ContentType, ex);
                    return true;
                }

                Interlocked.Increment(ref _eventsReceived);
                if (e.JobUuid is not null && e.Name == BackgroundJobEvent)
                {
                    connection.CompleteJob(e.JobUuid, e.Body ?? string.Empty);
                }

                await DispatchAsync(e, cancellationToken);
                return true;
            case EventSocketHeaders.DisconnectNotice:
                // "linger" only says the controlled channel hung up; the socket stays open (§1.10).
                if (string.Equals(message[EventSocketHeaders.ContentDisposition], "linger", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                Log.DisconnectNotice(_logger, _endpoint, message.GetBodyText().Trim());
                return false;
            case EventSocketHeaders.RudeRejection:
                connection.Rejection = message.GetBodyText();
                return false;
            default:
                Log.IgnoredMessage(_logger, message.ContentType);
                return true;
        }
    }
}
