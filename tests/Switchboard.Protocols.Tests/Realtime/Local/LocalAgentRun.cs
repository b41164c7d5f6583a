using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.Local;
using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Protocols.Tests.Support;

namespace Switchboard.Protocols.Tests.Realtime.Local;

/// <summary>One local agent under test: its events read in order, audio counted (and returned to the pool), timers watched.</summary>
internal sealed class LocalAgentRun : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private LocalAgentRun(LocalAgent agent, WatchedTimeProvider time, int sampleRate)
    {
        Agent = agent;
        Time = time;
        SampleRate = sampleRate;
    }

    public LocalAgent Agent { get; }

    public WatchedTimeProvider Time { get; }

    /// <summary>Every event read so far (audio as its length only).</summary>
    public List<VoiceAgentEvent> Seen { get; } = [];

    /// <summary>Agent audio read so far, in samples.</summary>
    public long AudioSamples { get; private set; }

    /// <summary>The largest audio chunk read, in bytes.</summary>
    public int LargestChunk { get; private set; }

    /// <summary>Audio samples per response id.</summary>
    public Dictionary<string, long> SamplesByResponse { get; } = [];

    /// <summary>The audio read so far, kept when <see cref="KeepAudio"/> is set.</summary>
    public List<short> Audio { get; } = [];

    public bool KeepAudio { get; set; }

    public static LocalAgentScript Script(string language = "pt-BR") => new()
    {
        Language = language,
        CompanyName = "Empresa Exemplo",
        Menu =
        [
            new LocalMenuEntry('1', "Financeiro", ["boleto", "fatura"]),
            new LocalMenuEntry('2', "Suporte Técnico", ["internet", "conexão"]),
            new LocalMenuEntry('3', "Comercial", ["vendas", "orçamento"]),
        ],
    };

    public static async Task<LocalAgentRun> StartAsync(
        ITextToSpeech speech, LocalAgentScript? script = null, LocalAgentOptions? options = null, bool greet = true, ILogger<LocalAgent>? logger = null)
    {
        var time = new WatchedTimeProvider();
        var agent = new LocalAgent(script ?? Script(), speech, time, logger, options);
        await agent.ConnectAsync(new VoiceAgentSettings { Instructions = "", CallSampleRate = speech.OutputSampleRate }, CancellationToken.None);
        if (greet)
        {
            await agent.RequestResponseAsync(null, CancellationToken.None);
        }

        return new LocalAgentRun(agent, time, speech.OutputSampleRate);
    }

    /// <summary>Reads events until one of type <typeparamref name="T"/> matches; fails on an agent error or after the timeout.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? match = null, [CallerArgumentExpression(nameof(match))] string? what = null)
        where T : VoiceAgentEvent
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            VoiceAgentEvent e;
            try
            {
                e = await Agent.Events.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No {typeof(T).Name} {what} within {Timeout}; seen: {string.Join(" | ", Seen.TakeLast(12))}");
                throw;
            }

            Record(e);
            Assert.False(e is AgentError, e.ToString());
            if (e is T found && (match is null || match(found)))
            {
                return found;
            }
        }
    }

    /// <summary>Agent transcripts of the response that just finished with <paramref name="finished"/>.</summary>
    public List<string> AgentLines(ResponseFinished finished)
    {
        int end = Seen.IndexOf(finished);
        int start = Seen.FindLastIndex(end - 1, e => e is ResponseFinished) + 1;
        return Seen.Skip(start).Take(end - start).OfType<Transcript>().Where(t => t.Speaker == TranscriptSpeaker.Agent).Select(t => t.Text).ToList();
    }

    public List<string> Transcripts(TranscriptSpeaker speaker) =>
        Seen.OfType<Transcript>().Where(t => t.Speaker == speaker).Select(t => t.Text).ToList();

    public async Task SendAudioAsync(ReadOnlyMemory<short> samples)
    {
        byte[] frame = new byte[Pcm16.BytesPerFrame(SampleRate)];
        int perFrame = frame.Length / 2;
        for (int offset = 0; offset < samples.Length; offset += perFrame)
        {
            Array.Clear(frame);
            int count = Math.Min(perFrame, samples.Length - offset);
            Pcm16.AsBytes(samples.Span.Slice(offset, count)).CopyTo(frame);
            await Agent.SendAudioAsync(frame, CancellationToken.None);
        }
    }

    public Task SendSilenceAsync(long samples) => SendAudioAsync(new short[(int)samples]);

    public int SampleRate { get; }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        while (Agent.Events.TryRead(out VoiceAgentEvent? e))
        {
            Record(e);
        }
    }

    private void Record(VoiceAgentEvent e)
    {
        if (e is AgentAudio audio)
        {
            int samples = audio.Length / 2;
            AudioSamples += samples;
            LargestChunk = Math.Max(LargestChunk, audio.Length);
            string id = audio.ResponseId ?? "";
            SamplesByResponse[id] = SamplesByResponse.GetValueOrDefault(id) + samples;
            if (KeepAudio)
            {
                Audio.AddRange(Pcm16.AsSamples(audio.Pcm.AsSpan(0, audio.Length)));
            }

            ArrayPool<byte>.Shared.Return(audio.Pcm);
            Seen.Add(audio with { Pcm = [] });
            return;
        }

        Seen.Add(e);
    }
}

/// <summary>A manual clock that also tells when a timer is created, so a test advances time only once the agent waits.</summary>
internal sealed class WatchedTimeProvider : TimeProvider
{
    private readonly ManualTimeProvider _clock = new();
    private readonly SemaphoreSlim _created = new(0);

    public override long TimestampFrequency => _clock.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

    public override long GetTimestamp() => _clock.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = _clock.CreateTimer(callback, state, dueTime, period);
        _created.Release();
        return timer;
    }

    /// <summary>Waits for the next timer the agent creates.</summary>
    public async Task TimerCreatedAsync()
    {
        Assert.True(await _created.WaitAsync(LocalAgentRun.Timeout), "The agent did not start a timer.");
    }

    public void Advance(TimeSpan delta) => _clock.Advance(delta);
}

/// <summary>
/// A stand-in synthesiser: every phrase is a 300 Hz tone of 100 ms per word, so tests know how long each phrase is. A
/// phrase containing <see cref="HoldOn"/> stops after its first chunk until <see cref="Release"/> or cancellation.
/// </summary>
internal sealed class ToneSpeech(int sampleRate = 8000) : ITextToSpeech
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int OutputSampleRate => sampleRate;

    public string? HoldOn { get; init; }

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<string> Spoken { get; } = [];

    public void Release() => _release.TrySetResult();

    public static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Spoken)
        {
            Spoken.Add(text);
        }

        short[] word = new short[sampleRate / 10];
        ToneGenerator.Fill(word, 300, sampleRate, 0.3);
        byte[] chunk = Pcm16.AsBytes(word.AsSpan()).ToArray();
        for (int i = 0; i < Words(text); i++)
        {
            yield return chunk;
            if (i == 0 && HoldOn is not null && text.Contains(HoldOn, StringComparison.Ordinal))
            {
                try
                {
                    await _release.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Cancelled.TrySetResult();
                    throw;
                }
            }
        }
    }
}
