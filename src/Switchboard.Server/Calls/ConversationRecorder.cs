using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Data;
using Switchboard.Server.Observability;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Calls;

/// <summary>
/// Keeps the record of one call's conversation: the row is inserted when the call starts (so tools and the
/// console can point at it), turns are appended as they settle, usage and mode switches accumulate, and the
/// outcome is written when the call ends. Writes go through one queue drained by a loop of its own, so the
/// media path never waits on the database; <see cref="FinishAsync"/> drains it.
/// </summary>
public sealed partial class ConversationRecorder : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly SwitchboardMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Func<SwitchboardDbContext, CancellationToken, Task>> _writes =
        Channel.CreateUnbounded<Func<SwitchboardDbContext, CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Lock _lock = new();
    private readonly List<ConversationTurn> _turns = [];
    private readonly List<ConversationModeSwitch> _switches = [];
    private readonly Dictionary<Guid, decimal> _spentByProvider = [];
    private Task? _writer;
    private int _sequence;
    private long _inputTokens;
    private long _outputTokens;
    private decimal _cost;
    private string _mode;
    private AiProviderType? _provider;
    private bool _finished;

    public ConversationRecorder(
        IServiceScopeFactory scopes,
        Guid tenantId,
        Guid? secretaryId,
        StreamMetadata metadata,
        SwitchboardMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _scopes = scopes;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        TenantId = tenantId;
        SecretaryId = secretaryId;
        CallUuid = metadata.CallUuid;
        CallerNumber = metadata.CallerIdNumber ?? "";
        CallerName = metadata.CallerIdName;
        StartedAt = time.GetUtcNow();
        _mode = "local";
    }

    public Guid ConversationId { get; } = Guid.NewGuid();

    public Guid TenantId { get; }

    public Guid? SecretaryId { get; }

    public string CallUuid { get; }

    public string CallerNumber { get; }

    public string? CallerName { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Turns recorded so far (a snapshot).</summary>
    public IReadOnlyList<ConversationTurn> Turns
    {
        get
        {
            lock (_lock)
            {
                return [.. _turns];
            }
        }
    }

    /// <summary>Mode and provider switches so far (a snapshot).</summary>
    public IReadOnlyList<ConversationModeSwitch> Switches
    {
        get
        {
            lock (_lock)
            {
                return [.. _switches];
            }
        }
    }

    /// <summary>What was said so far, one "Caller: ..." / "Agent: ..." line per turn, for tickets and handovers.</summary>
    public string TranscriptText
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _turns
                    .Where(turn => turn.Speaker is ConversationSpeaker.Caller or ConversationSpeaker.Agent)
                    .Select(turn => (turn.Speaker == ConversationSpeaker.Caller ? "Caller: " : "Agent: ") + turn.Text));
            }
        }
    }

    public decimal EstimatedCostUsd
    {
        get
        {
            lock (_lock)
            {
                return _cost;
            }
        }
    }

    /// <summary>
    /// Starts the write loop with the conversation row as its first write: the call does not wait for the database,
    /// and every later line of the record lands after the row.
    /// </summary>
    public void Start(ProcessingMode mode, AiProviderType? provider)
    {
        _provider = provider;
        _mode = Label(mode, provider);
        var row = new Conversation
        {
            Id = ConversationId,
            TenantId = TenantId,
            SecretaryId = SecretaryId,
            CallUuid = CallUuid,
            CallerNumber = CallerNumber,
            CallerName = CallerName,
            StartedAt = StartedAt,
            ProviderType = provider,
            ProcessingMode = mode,
        };
        Enqueue((db, ct) =>
        {
            db.Conversations.Add(row);
            return db.SaveChangesAsync(ct);
        });
        _writer = WriteLoopAsync();
    }

    /// <summary>Waits until everything recorded so far is in the store (tools that link to the row call this).</summary>
    public Task FlushedAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue((_, _) =>
        {
            done.TrySetResult();
            return Task.CompletedTask;
        });
        return done.Task;
    }

    /// <summary>Label of a mode and provider as recorded in switches, e.g. <c>realtime:open_ai_realtime</c>.</summary>
    public static string Label(ProcessingMode mode, AiProviderType? provider) => provider switch
    {
        null or AiProviderType.Local => "local",
        _ => $"{Snake(mode.ToString())}:{Snake(provider.Value.ToString())}",
    };

    /// <summary>Records a settled line of either side (with latency for the agent's first audio of a turn).</summary>
    public ConversationTurn AddTurn(ConversationSpeaker speaker, string text, DateTimeOffset startedAt, DateTimeOffset? endedAt, TurnLatency? latency = null)
    {
        var turn = new ConversationTurn
        {
            Id = Guid.NewGuid(),
            ConversationId = ConversationId,
            TenantId = TenantId,
            Speaker = speaker,
            Text = text,
            StartedAt = startedAt,
            EndedAt = endedAt,
            LatencyMs = latency is null ? null : (int)latency.Total.TotalMilliseconds,
            ProviderLatencyMs = latency is null ? null : (int)latency.Provider.TotalMilliseconds,
            OwnLatencyMs = latency is null ? null : (int)latency.Own.TotalMilliseconds,
        };
        lock (_lock)
        {
            turn.Sequence = ++_sequence;
            _turns.Add(turn);
        }

        Enqueue((db, ct) =>
        {
            db.ConversationTurns.Add(turn);
            return db.SaveChangesAsync(ct);
        });
        return turn;
    }

    /// <summary>
    /// Keeps the place of a caller turn whose text comes later (speech-to-text finishes after the agent may have
    /// started answering), so turns stay in the order they were spoken. <see cref="CompleteTurn"/> stores it.
    /// </summary>
    public ConversationTurn ReserveTurn(ConversationSpeaker speaker, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        var turn = new ConversationTurn
        {
            Id = Guid.NewGuid(),
            ConversationId = ConversationId,
            TenantId = TenantId,
            Speaker = speaker,
            StartedAt = startedAt,
            EndedAt = endedAt,
        };
        lock (_lock)
        {
            turn.Sequence = ++_sequence;
        }

        return turn;
    }

    /// <summary>Stores a reserved turn with its text, in its reserved place.</summary>
    public void CompleteTurn(ConversationTurn reserved, string text)
    {
        reserved.Text = text;
        lock (_lock)
        {
            int at = _turns.FindIndex(t => t.Sequence > reserved.Sequence);
            _turns.Insert(at < 0 ? _turns.Count : at, reserved);
        }

        Enqueue((db, ct) =>
        {
            db.ConversationTurns.Add(reserved);
            return db.SaveChangesAsync(ct);
        });
    }

    /// <summary>Marks the last agent turn as cut short by the caller.</summary>
    public void MarkLastAgentTurnInterrupted()
    {
        ConversationTurn? turn;
        lock (_lock)
        {
            turn = _turns.LastOrDefault(t => t.Speaker == ConversationSpeaker.Agent);
        }

        if (turn is null || turn.Interrupted)
        {
            return;
        }

        turn.Interrupted = true;
        Guid id = turn.Id;
        Enqueue((db, ct) => db.ConversationTurns.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Interrupted, true), ct));
    }

    /// <summary>The conversation goes on in another mode or with another provider.</summary>
    public void SwitchedTo(ProcessingMode mode, AiProviderType? provider, string reason)
    {
        string to = Label(mode, provider);
        ConversationModeSwitch change;
        List<ConversationModeSwitch> all;
        lock (_lock)
        {
            change = new ConversationModeSwitch(_time.GetUtcNow(), _mode, to, reason);
            _switches.Add(change);
            _mode = to;
            _provider = provider;
            all = [.. _switches];
        }

        AddTurn(ConversationSpeaker.System, $"{change.From} → {change.To}: {reason}", change.At, change.At);
        Enqueue((db, ct) => db.Conversations.Where(c => c.Id == ConversationId).ExecuteUpdateAsync(
            s => s.SetProperty(c => c.ProcessingMode, mode).SetProperty(c => c.ProviderType, provider), ct));
        Enqueue(async (db, ct) =>
        {
            Conversation? row = await db.Conversations.FirstOrDefaultAsync(c => c.Id == ConversationId, ct);
            if (row is not null)
            {
                row.FallbackEvents = all;
                await db.SaveChangesAsync(ct);
            }
        });
    }

    /// <summary>Adds a response's usage and its estimated cost (provider prices, <see cref="ProviderPricing"/>).</summary>
    public decimal AddUsage(VoiceAgentUsage usage, AiProvider provider, string? model)
    {
        decimal cost = ProviderPricing.Estimate(provider.Type, model, usage);
        lock (_lock)
        {
            _inputTokens += usage.InputTokens;
            _outputTokens += usage.OutputTokens;
            _cost += cost;
            _spentByProvider[provider.Id] = _spentByProvider.GetValueOrDefault(provider.Id) + cost;
        }

        return cost;
    }

    /// <summary>Adds a cost that does not come from tokens (per-minute providers) to the call and the provider's spend.</summary>
    public void AddCost(AiProvider provider, decimal usd)
    {
        lock (_lock)
        {
            _cost += usd;
            _spentByProvider[provider.Id] = _spentByProvider.GetValueOrDefault(provider.Id) + usd;
        }
    }

    /// <summary>Writes the outcome and end reason, drains the queue. Safe to call more than once.</summary>
    public async Task FinishAsync(ConversationOutcome outcome, string? endReason, double audioSecondsIn, double audioSecondsOut)
    {
        long input, output;
        decimal cost;
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            (input, output, cost) = (_inputTokens, _outputTokens, _cost);
        }

        DateTimeOffset ended = _time.GetUtcNow();
        Enqueue((db, ct) => db.Conversations.Where(c => c.Id == ConversationId).ExecuteUpdateAsync(
            s => s.SetProperty(c => c.EndedAt, ended)
                .SetProperty(c => c.Outcome, outcome)
                .SetProperty(c => c.EndReason, endReason)
                .SetProperty(c => c.InputTokens, input)
                .SetProperty(c => c.OutputTokens, output)
                .SetProperty(c => c.AudioSecondsIn, audioSecondsIn)
                .SetProperty(c => c.AudioSecondsOut, audioSecondsOut)
                .SetProperty(c => c.EstimatedCostUsd, cost),
            ct));
        KeyValuePair<Guid, decimal>[] spent;
        lock (_lock)
        {
            spent = [.. _spentByProvider];
        }

        foreach ((Guid providerId, decimal usd) in spent)
        {
            Enqueue(async (db, ct) =>
            {
                // Decimals are TEXT on SQLite: add in .NET, not in SQL. Spend is running state, not configuration: it is
                // written without touching the row's update time, so cached secretary configurations stay valid.
                decimal? current = await db.AiProviders.Where(p => p.Id == providerId).Select(p => (decimal?)p.SpentThisMonthUsd).FirstOrDefaultAsync(ct);
                if (current is { } spent)
                {
                    await db.AiProviders.Where(p => p.Id == providerId).ExecuteUpdateAsync(s => s.SetProperty(p => p.SpentThisMonthUsd, spent + usd), ct);
                }
            });
        }

        _writes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }
    }

    private void Enqueue(Func<SwitchboardDbContext, CancellationToken, Task> write)
    {
        if (!_writes.Writer.TryWrite(write))
        {
            Log.RecordAfterFinish(_logger, CallUuid);
        }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (Func<SwitchboardDbContext, CancellationToken, Task> write in _writes.Reader.ReadAllAsync())
        {
            try
            {
                await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await write(Db(scope), timeout.Token);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or OperationCanceledException or System.Data.Common.DbException)
            {
                // A lost line of the record must not end the call; the log keeps what was lost.
                Log.RecordWriteFailed(_logger, CallUuid, ex);
            }
        }
    }

    private SwitchboardDbContext Db(AsyncServiceScope scope)
    {
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(TenantId);
        return scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
    }

    private static string Snake(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }

    private static partial class Log
    {
        [LoggerMessage(2201, LogLevel.Warning, "Conversation record of call {CallId}: a write failed")]
        public static partial void RecordWriteFailed(ILogger logger, string callId, Exception exception);

        [LoggerMessage(2202, LogLevel.Debug, "Conversation record of call {CallId}: write after the call ended ignored")]
        public static partial void RecordAfterFinish(ILogger logger, string callId);
    }
}

/// <summary>End of the caller's speech to the first agent audio handed to FreeSWITCH, split by who spent it.</summary>
public sealed record TurnLatency(TimeSpan Provider, TimeSpan Own)
{
    public TimeSpan Total => Provider + Own;
}
