namespace Switchboard.Protocols.FreeSwitch.EventSocket;

public sealed partial class EventSocketClient
{
    /// <summary>Runs <c>api &lt;command&gt;</c> and returns the api/response body verbatim (e.g. <c>+OK\n</c>,
    /// <c>-ERR No such channel!\n</c>, <c>true</c>). FreeSWITCH runs it in this connection's thread and reads nothing
    /// else meanwhile (freeswitch.md §1.4): long commands such as <c>originate</c> must use <see cref="BackgroundApiAsync"/>.</summary>
    /// <exception cref="TimeoutException">No reply within <see cref="EventSocketOptions.CommandTimeout"/>.</exception>
    /// <exception cref="EventSocketDisconnectedException">The connection was lost before the reply.</exception>
    public async Task<string> ApiAsync(string command, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        (_, EventSocketMessage reply) = await ExecuteAsync(EventSocketCommandWriter.Format("api " + command), null, ct);
        return reply.ContentType == EventSocketHeaders.ApiResponse
            ? reply.GetBodyText()
            : reply[EventSocketHeaders.ReplyText] ?? string.Empty;
    }

    /// <summary>Runs <c>bgapi &lt;command&gt;</c> with a Job-UUID of our own and returns the body of the matching
    /// BACKGROUND_JOB event (e.g. <c>+OK &lt;uuid&gt;\n</c> or <c>-ERR NO_ANSWER\n</c>, verified Q7).</summary>
    /// <exception cref="EventSocketCommandException">FreeSWITCH refused the bgapi itself (<c>-ERR …</c> reply).</exception>
    /// <exception cref="TimeoutException">No reply, or no result within <see cref="EventSocketOptions.BackgroundJobTimeout"/>.</exception>
    /// <exception cref="EventSocketDisconnectedException">The connection was lost before the result (which is then lost too, §1.11).</exception>
    public async Task<string> BackgroundApiAsync(string command, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        string jobUuid = Guid.NewGuid().ToString();
        byte[] frame = EventSocketCommandWriter.Format("bgapi " + command, [new(EventSocketHeaders.JobUuid, jobUuid)]);
        Task<string>? job = null;
        EventSocketConnection? used = null;
        EventSocketConnection connection;
        EventSocketMessage message;
        try
        {
            (connection, message) = await ExecuteAsync(
                frame,
                c =>
                {
                    used = c;
                    job = c.RegisterJob(jobUuid);
                },
                ct);
        }
        catch
        {
            used?.ForgetJob(jobUuid);
            throw;
        }

        try
        {
            EventSocketReply reply = EventSocketReply.FromMessage(message);
            if (!reply.IsOk)
            {
                throw new EventSocketCommandException(command, reply.ReplyText);
            }

            try
            {
                return await job!.WaitAsync(_options.BackgroundJobTimeout, _time, ct);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"No BACKGROUND_JOB for '{command}' within {_options.BackgroundJobTimeout}.", ex);
            }
        }
        finally
        {
            connection.ForgetJob(jobUuid);
        }
    }

    /// <summary>Sends a raw command (first line plus optional headers) and returns its reply; <c>-ERR</c> is not thrown.</summary>
    public async Task<EventSocketReply> CommandAsync(string commandLine, IEnumerable<KeyValuePair<string, string>>? headers, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandLine);
        (_, EventSocketMessage reply) = await ExecuteAsync(EventSocketCommandWriter.Format(commandLine, headers), null, ct);
        return EventSocketReply.FromMessage(reply);
    }

    /// <summary><c>sendmsg &lt;uuid&gt;</c>: queue an application (or hangup) on a channel (freeswitch.md §1.8). Reply
    /// <c>+OK</c> once queued or <c>-ERR invalid session id [&lt;uuid&gt;]</c>; not thrown here.</summary>
    public async Task<EventSocketReply> SendMessageAsync(string uuid, SendMessage message, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uuid);
        ArgumentNullException.ThrowIfNull(message);
        (List<KeyValuePair<string, string>> headers, string? body) = message.Render();
        (_, EventSocketMessage reply) = await ExecuteAsync(EventSocketCommandWriter.Format("sendmsg " + uuid, headers, body), null, ct);
        return EventSocketReply.FromMessage(reply);
    }

    /// <summary>Waits (within the command timeout) for a connection, queues the frame and awaits its reply.</summary>
    private async Task<(EventSocketConnection Connection, EventSocketMessage Reply)> ExecuteAsync(
        byte[] frame, Action<EventSocketConnection>? beforeSend, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_options.CommandTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        EventSocketConnection connection = await GetConnectionAsync(linked.Token, ct);
        beforeSend?.Invoke(connection);
        try
        {
            return (connection, await connection.SendAsync(frame).WaitAsync(linked.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"FreeSWITCH did not reply within {_options.CommandTimeout}.");
        }
    }

    private async Task<EventSocketConnection> GetConnectionAsync(CancellationToken linked, CancellationToken ct)
    {
        while (true)
        {
            Task connected;
            lock (_gate)
            {
                ThrowIfStopped();
                if (_run is null)
                {
                    throw new InvalidOperationException("Call StartAsync before sending commands.");
                }

                if (_current is { } current)
                {
                    return current;
                }

                connected = _connected.Task;
            }

            try
            {
                await connected.WaitAsync(linked);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new EventSocketDisconnectedException($"Not connected to FreeSWITCH at {_endpoint} within {_options.CommandTimeout}.");
            }
            catch (Exception) when (!linked.IsCancellationRequested)
            {
                // Stopped or disposed meanwhile; ThrowIfStopped reports it.
            }
        }
    }
}
