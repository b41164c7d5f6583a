using System.Buffers;
using System.Threading.Channels;
using Switchboard.Protocols.Audio;

namespace Switchboard.Server.Calls;

/// <summary>
/// The agent of a call with no voice AI: greets with a chime, then repeats each thing the caller
/// says. It exercises the whole media path — caller frames, voice activity, playback through
/// FreeSWITCH and barge-in — without any provider account.
/// </summary>
public sealed class GreetingEchoAgent : ICallAgent
{
    private const int MaxUtteranceSeconds = 8;

    // Speech is only confirmed after the VAD's minimum duration: keep that much audio from before the
    // decision so the start of the words is not cut.
    private const int PreRollFrames = 10;

    private readonly int _sampleRate;
    private readonly int _maxUtteranceBytes;
    private readonly EnergyVad _vad;
    private readonly Channel<Utterance> _utterances = Channel.CreateBounded<Utterance>(
        new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest },
        static dropped => dropped.Return());

    private readonly Channel<bool> _bargeIns = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly int _preRollBytes;
    private byte[]? _preRoll; // allocated with the first audio: most calls keep this agent only as the last fallback
    private int _preRollNext;
    private int _preRollCount;
    private byte[]? _capture;
    private int _captureBytes;
    private CallSession? _session;
    private bool _cutThisUtterance;

    public GreetingEchoAgent(int sampleRate)
    {
        _sampleRate = sampleRate;
        _maxUtteranceBytes = sampleRate * 2 * MaxUtteranceSeconds;
        _vad = new EnergyVad();
        _preRollBytes = PreRollFrames * Pcm16.BytesPerFrame(sampleRate);
    }

    /// <summary>True once the greeting was handed to playback.</summary>
    public bool Greeted { get; private set; }

    /// <summary>Utterances heard and repeated (for tests).</summary>
    public int UtterancesEchoed { get; private set; }

    /// <summary>Times the caller spoke over the agent and playback was cut.</summary>
    public int BargeIns { get; private set; }

    public void OnCallerAudio(ReadOnlySpan<byte> frame)
    {
        VadEvent vadEvent = _vad.Process(Pcm16.AsSamples(frame));
        if (vadEvent == VadEvent.SpeechStarted)
        {
            _cutThisUtterance = false;
        }

        // The caller speaking while the agent plays is a barge-in, also when the agent started over speech
        // already under way (the greeting of a caller who talks from the first moment).
        if (_vad.IsSpeaking && !_cutThisUtterance && _session?.Playback.IsPlaying == true)
        {
            _cutThisUtterance = true;
            _bargeIns.Writer.TryWrite(true);
        }

        if (vadEvent == VadEvent.SpeechStarted)
        {

            _capture ??= ArrayPool<byte>.Shared.Rent(_maxUtteranceBytes);
            _captureBytes = 0;
            int frameBytes = frame.Length;
            for (int i = _preRoll is null ? 0 : _preRollCount; i > 0; i--)
            {
                int slot = (_preRollNext - i + PreRollFrames) % PreRollFrames;
                _preRoll!.AsSpan(slot * frameBytes, frameBytes).CopyTo(_capture.AsSpan(_captureBytes));
                _captureBytes += frameBytes;
            }

            _preRollCount = 0;
        }

        if (_capture is not null && _vad.IsSpeaking && _captureBytes + frame.Length <= _maxUtteranceBytes)
        {
            frame.CopyTo(_capture.AsSpan(_captureBytes));
            _captureBytes += frame.Length;
        }
        else if (!_vad.IsSpeaking && frame.Length * PreRollFrames == _preRollBytes)
        {
            _preRoll ??= new byte[_preRollBytes];
            frame.CopyTo(_preRoll.AsSpan(_preRollNext * frame.Length));
            _preRollNext = (_preRollNext + 1) % PreRollFrames;
            _preRollCount = Math.Min(_preRollCount + 1, PreRollFrames);
        }

        if (vadEvent == VadEvent.SpeechEnded && _capture is not null)
        {
            var utterance = new Utterance(_capture, _captureBytes);
            _capture = null;
            if (!_utterances.Writer.TryWrite(utterance))
            {
                utterance.Return();
            }
        }
    }

    public void OnDtmf(char digit)
    {
    }

    public void OnCallerText(string text)
    {
    }

    public async Task RunAsync(CallSession session, CancellationToken cancellationToken)
    {
        _session = session;
        await session.Playback.WriteAsync(Chime(_sampleRate), cancellationToken);
        await session.Playback.FlushAsync(cancellationToken);
        Greeted = true;

        Task<bool> bargeIn = _bargeIns.Reader.WaitToReadAsync(cancellationToken).AsTask();
        Task<bool> utterance = _utterances.Reader.WaitToReadAsync(cancellationToken).AsTask();
        while (!cancellationToken.IsCancellationRequested)
        {
            Task done = await Task.WhenAny(bargeIn, utterance);
            if (done == bargeIn)
            {
                if (!await bargeIn)
                {
                    return;
                }

                _bargeIns.Reader.TryRead(out _);
                await session.Playback.StopAsync(cancellationToken);
                BargeIns++;
                bargeIn = _bargeIns.Reader.WaitToReadAsync(cancellationToken).AsTask();
                continue;
            }

            if (!await utterance)
            {
                return;
            }

            while (_utterances.Reader.TryRead(out Utterance heard))
            {
                try
                {
                    await session.Playback.WriteAsync(heard.Buffer.AsMemory(0, heard.Length), cancellationToken);
                    await session.Playback.FlushAsync(cancellationToken);
                    UtterancesEchoed++;
                }
                finally
                {
                    heard.Return();
                }
            }

            utterance = _utterances.Reader.WaitToReadAsync(cancellationToken).AsTask();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_capture is not null)
        {
            ArrayPool<byte>.Shared.Return(_capture);
            _capture = null;
        }

        while (_utterances.Reader.TryRead(out Utterance left))
        {
            left.Return();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Two rising tones, 600 ms: recognisable in recordings and in tests.</summary>
    public static byte[] Chime(int sampleRate)
    {
        int half = sampleRate * 3 / 10;
        short[] samples = new short[half * 2];
        ToneGenerator.Fill(samples.AsSpan(0, half), 660, sampleRate, 0.25);
        ToneGenerator.Fill(samples.AsSpan(half), 880, sampleRate, 0.25);
        return Pcm16.AsBytes(samples).ToArray();
    }

    private readonly record struct Utterance(byte[] Buffer, int Length)
    {
        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
