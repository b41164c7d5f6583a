namespace Switchboard.Protocols.FreeSwitch.EventSocket;

public sealed partial class EventSocketClient
{
    private readonly Lock _subscriptionsLock = new();
    private readonly Dictionary<string, EventSubscription[]> _byUniqueId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _filtersLock = new();
    private readonly List<(string Header, string Value)> _filters = [];
    private EventSubscription[] _everything = [];

    /// <summary>Subscribes to every event (<paramref name="uniqueId"/> null) or to the events of one channel, matched on
    /// <c>Unique-ID</c> here in C# (no server filter is involved). Subscriptions survive reconnects.</summary>
    public EventSubscription Subscribe(string? uniqueId = null)
    {
        var subscription = new EventSubscription(uniqueId, _options.SubscriptionCapacity, Unsubscribe);
        lock (_subscriptionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (uniqueId is null)
            {
                _everything = [.. _everything, subscription];
            }
            else
            {
                _byUniqueId[uniqueId] = _byUniqueId.TryGetValue(uniqueId, out EventSubscription[]? existing)
                    ? [.. existing, subscription]
                    : [subscription];
            }
        }

        return subscription;
    }

    /// <summary>Subscribes to the events of every channel whose <c>Event-Name</c> (or, for CUSTOM events, <c>Event-Subclass</c>)
    /// is one of <paramref name="eventNames"/>, matched here in C#: the other events never reach its queue, so a consumer that
    /// needs a few event kinds (e.g. CHANNEL_PARK) is not flooded by the rest — the way a catch-all subscription fills up
    /// under load and holds up the reader. Subscriptions survive reconnects.</summary>
    public EventSubscription SubscribeToEvents(params IEnumerable<string> eventNames)
    {
        ArgumentNullException.ThrowIfNull(eventNames);
        var names = new HashSet<string>(eventNames, StringComparer.Ordinal);
        if (names.Count == 0)
        {
            throw new ArgumentException("At least one event name.", nameof(eventNames));
        }

        var subscription = new EventSubscription(null, _options.SubscriptionCapacity, Unsubscribe, names);
        lock (_subscriptionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _everything = [.. _everything, subscription];
        }

        return subscription;
    }

    /// <summary>Adds <c>filter &lt;header&gt; &lt;value&gt;</c> (freeswitch.md §1.7) and remembers it, so every later connection
    /// re-applies it. The first filter is preceded by <c>filter Event-Name BACKGROUND_JOB</c> (and HEARTBEAT when
    /// subscribed): any filter hides events that do not match one, which would lose bgapi results (verified Q8) and
    /// starve <see cref="EventSocketOptions.HeartbeatTimeout"/>. Filters are OR-ed; a value starting with <c>-</c> is
    /// negative and <c>/…/</c> is a regular expression (freeswitch.md §1.7). The
    /// filter is remembered before it is sent, so after a disconnect it still applies on the next connection.</summary>
    /// <exception cref="EventSocketCommandException">FreeSWITCH refused it (it is then forgotten).</exception>
    public async Task AddFilterAsync(string header, string value, CancellationToken ct)
    {
        ValidateFilter(header, value);
        bool first;
        lock (_filtersLock)
        {
            first = _filters.Count == 0;
            _filters.Add((header, value));
        }

        if (first)
        {
            foreach ((string autoHeader, string autoValue) in AutomaticFilters())
            {
                await SendFilterAsync($"filter {autoHeader} {autoValue}", ct);
            }
        }

        try
        {
            await SendFilterAsync($"filter {header} {value}", ct);
        }
        catch (EventSocketCommandException)
        {
            lock (_filtersLock)
            {
                _filters.Remove((header, value));
            }

            throw;
        }
    }

    /// <summary>Removes <c>filter delete &lt;header&gt; [&lt;value&gt;]</c> (all values of the header when null) and forgets it.
    /// When no filter of ours remains, the automatic BACKGROUND_JOB/HEARTBEAT filters go too, so every subscribed event
    /// flows again.</summary>
    public async Task DeleteFilterAsync(string header, string? value, CancellationToken ct)
    {
        ValidateFilter(header, value ?? "x");
        bool last;
        lock (_filtersLock)
        {
            int removed = _filters.RemoveAll(f =>
                string.Equals(f.Header, header, StringComparison.OrdinalIgnoreCase) && (value is null || f.Value == value));
            last = removed > 0 && _filters.Count == 0;
        }

        await SendFilterAsync(value is null ? $"filter delete {header}" : $"filter delete {header} {value}", ct);
        if (last)
        {
            foreach ((string autoHeader, string autoValue) in AutomaticFilters())
            {
                await SendFilterAsync($"filter delete {autoHeader} {autoValue}", ct);
            }
        }
    }

    private static void ValidateFilter(string header, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (header.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            throw new ArgumentException("A filter header name cannot contain whitespace.", nameof(header));
        }

        EventSocketCommandWriter.EnsureSingleLine(value, nameof(value));
    }

    private async Task SendFilterAsync(string commandLine, CancellationToken ct)
    {
        EventSocketReply reply = await CommandAsync(commandLine, null, ct);
        if (!reply.IsOk)
        {
            throw new EventSocketCommandException(commandLine, reply.ReplyText);
        }
    }

    private IEnumerable<(string Header, string Value)> AutomaticFilters()
    {
        yield return ("Event-Name", BackgroundJobEvent);
        if (_heartbeatSubscribed)
        {
            yield return ("Event-Name", "HEARTBEAT");
        }
    }

    private List<(string Header, string Value)> FiltersToApply()
    {
        lock (_filtersLock)
        {
            return _filters.Count == 0 ? [] : [.. AutomaticFilters(), .. _filters];
        }
    }

    private void Unsubscribe(EventSubscription subscription)
    {
        lock (_subscriptionsLock)
        {
            if (subscription.UniqueId is null)
            {
                _everything = [.. _everything.Where(s => s != subscription)];
            }
            else if (_byUniqueId.TryGetValue(subscription.UniqueId, out EventSubscription[]? existing))
            {
                EventSubscription[] rest = [.. existing.Where(s => s != subscription)];
                if (rest.Length == 0)
                {
                    _byUniqueId.Remove(subscription.UniqueId);
                }
                else
                {
                    _byUniqueId[subscription.UniqueId] = rest;
                }
            }
        }
    }

    private async ValueTask DispatchAsync(EventSocketEvent e, CancellationToken cancellationToken)
    {
        EventSubscription[] everything;
        EventSubscription[]? channel = null;
        lock (_subscriptionsLock)
        {
            everything = _everything;
            if (e.UniqueId is not null)
            {
                _byUniqueId.TryGetValue(e.UniqueId, out channel);
            }
        }

        foreach (EventSubscription subscription in everything)
        {
            await DeliverAsync(subscription, e, cancellationToken);
        }

        foreach (EventSubscription subscription in channel ?? [])
        {
            await DeliverAsync(subscription, e, cancellationToken);
        }
    }

    private ValueTask DeliverAsync(EventSubscription subscription, EventSocketEvent e, CancellationToken cancellationToken) =>
        !subscription.Wants(e) || subscription.Writer.TryWrite(e) || subscription.IsDisposed
            ? ValueTask.CompletedTask
            : WaitAndDeliverAsync(subscription, e, cancellationToken);

    private async ValueTask WaitAndDeliverAsync(EventSubscription subscription, EventSocketEvent e, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _subscriberWaits);
        if (subscription.FirstBackpressure())
        {
            Log.SubscriberFull(_logger, subscription.UniqueId ?? "*", _options.SubscriptionCapacity);
        }

        try
        {
            await subscription.Writer.WriteAsync(e, cancellationToken);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // Disposed while we waited.
        }
    }

    private void CompleteSubscriptions()
    {
        List<EventSubscription> all;
        lock (_subscriptionsLock)
        {
            all = [.. _everything, .. _byUniqueId.Values.SelectMany(s => s)];
            _everything = [];
            _byUniqueId.Clear();
        }

        foreach (EventSubscription subscription in all)
        {
            subscription.Complete();
        }
    }
}
