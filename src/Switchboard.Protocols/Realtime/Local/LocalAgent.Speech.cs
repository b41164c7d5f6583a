using System.Buffers;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.Local;

/// <summary>Speaking: phrase groups synthesised and emitted as audio chunks, transcripts and one <see cref="ResponseFinished"/>.</summary>
public sealed partial class LocalAgent
{
    private const double BeepFrequency = 1000;
    private const double BeepAmplitude = 0.3;
    private const double FallbackFrequency = 440;
    private const double FallbackAmplitude = 0.2;
    private static readonly TimeSpan BeepDuration = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan FallbackDuration = TimeSpan.FromMilliseconds(300);

    private byte[] _beep = [];
    private byte[] _fallbackTone = [];
    private CancellationTokenSource? _speechCancel;
    private TaskCompletionSource? _speechDone;
    private int _responseNumber;
    private bool _speechFailed;

    /// <summary>
    /// Speaks <paramref name="phrases"/> (then the message beep when asked) as one response, returns how long it lasts.
    /// An interruption ends the group early (status <c>cancelled</c>) without failing the flow.
    /// </summary>
    private async Task<TimeSpan> SpeakAsync(IReadOnlyList<string> phrases, bool beep, CancellationToken cancellationToken)
    {
        string responseId = "local_" + (++_responseNumber).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _speechCancel = cancel;
            _speechDone = done;
        }

        long samples = 0;
        string status = "completed";
        try
        {
            foreach (string phrase in phrases)
            {
                samples += await SpeakPhraseAsync(phrase, responseId, cancel.Token);
                await _events.Writer.WriteAsync(new Transcript(TranscriptSpeaker.Agent, phrase, true), cancel.Token);
            }

            if (beep)
            {
                samples += await EmitAsync(_beep, responseId, cancel.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            status = "cancelled";
        }
        finally
        {
            lock (_lock)
            {
                _speechCancel = null;
                _speechDone = null;
            }

            cancel.Dispose();
            done.TrySetResult();
        }

        await _events.Writer.WriteAsync(new ResponseFinished(responseId, status, null), cancellationToken);
        return TimeSpan.FromSeconds((double)samples / _sampleRate);
    }

    private async Task<long> SpeakPhraseAsync(string phrase, string responseId, CancellationToken cancellationToken)
    {
        if (!_speechFailed)
        {
            long samples = 0;
            try
            {
                string spoken = phrase.Replace("#", " " + _phrases.HashKey + " ", StringComparison.Ordinal);
                await foreach (ReadOnlyMemory<byte> chunk in _speech.SynthesizeAsync(spoken, cancellationToken))
                {
                    samples += await EmitAsync(chunk, responseId, cancellationToken);
                }

                return samples;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _speechFailed = true;
                Log.SpeechUnavailable(_logger, ex);
            }
        }

        return await EmitAsync(_fallbackTone, responseId, cancellationToken);
    }

    /// <summary>Emits PCM in pooled chunks of at most 200 ms and moves the playback end of the media clock; returns the samples.</summary>
    private async Task<long> EmitAsync(ReadOnlyMemory<byte> pcm, string responseId, CancellationToken cancellationToken)
    {
        int maxBytes = _sampleRate / 5 * Pcm16.BytesPerSample;
        long samples = 0;
        for (int offset = 0; offset + 1 < pcm.Length; offset += maxBytes)
        {
            int length = Math.Min(maxBytes, pcm.Length - offset) & ~1;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
            pcm.Slice(offset, length).CopyTo(buffer);
            try
            {
                await _events.Writer.WriteAsync(new AgentAudio(buffer, length, responseId), cancellationToken);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }

            int count = length / Pcm16.BytesPerSample;
            samples += count;
            lock (_audioLock)
            {
                _playbackEnd = Math.Max(_playbackEnd, _callerClock) + count;
            }
        }

        return samples;
    }

    private byte[] Tone(double frequency, TimeSpan duration, double amplitude)
    {
        short[] samples = new short[(int)(duration.TotalSeconds * _sampleRate)];
        ToneGenerator.Fill(samples, frequency, _sampleRate, amplitude);
        return Pcm16.AsBytes(samples.AsSpan()).ToArray();
    }
}
