using System.Buffers;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.ElevenLabs;

/// <summary>
/// Converts the agent's audio (decoded from base64, in the agent's output format) to PCM16 at the call rate,
/// in a buffer rented from <see cref="ArrayPool{T}.Shared"/> that the receiver of <see cref="AgentAudio"/> returns.
/// A PCM chunk with an odd byte count keeps its last byte for the next chunk, so samples never split.
/// </summary>
internal sealed class AgentAudioDecoder
{
    private readonly ElevenLabsAudioFormat _format;
    private readonly int _callRate;
    private readonly Resampler? _resampler;
    private short[] _linear = [];
    private byte _carry;
    private bool _hasCarry;

    public AgentAudioDecoder(ElevenLabsAudioFormat format, int callRate)
    {
        _format = format;
        _callRate = callRate;
        _resampler = format.SampleRate == callRate ? null : new Resampler(format.SampleRate, callRate);
    }

    /// <summary>PCM16 at the call rate for <paramref name="audio"/>; the returned array is rented (its length may exceed <paramref name="length"/>).</summary>
    public byte[] Decode(ReadOnlySpan<byte> audio, out int length)
    {
        ReadOnlySpan<short> samples;
        if (_format.MuLaw)
        {
            Grow(ref _linear, audio.Length);
            G711.MuLawDecode(audio, _linear);
            samples = _linear.AsSpan(0, audio.Length);
        }
        else
        {
            int total = audio.Length + (_hasCarry ? 1 : 0);
            int count = total / 2;
            Grow(ref _linear, count);
            Span<byte> bytes = Pcm16.AsBytes(_linear.AsSpan(0, count));
            if (_hasCarry && count > 0)
            {
                bytes[0] = _carry;
                audio[..((count * 2) - 1)].CopyTo(bytes[1..]);
                audio = audio[((count * 2) - 1)..];
                _hasCarry = false;
            }
            else if (!_hasCarry)
            {
                audio[..(count * 2)].CopyTo(bytes);
                audio = audio[(count * 2)..];
            }

            if (!audio.IsEmpty)
            {
                _carry = audio[0];
                _hasCarry = true;
            }

            samples = _linear.AsSpan(0, count);
        }

        if (_resampler is null)
        {
            byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(1, samples.Length * 2));
            Pcm16.AsBytes(samples).CopyTo(copy);
            length = samples.Length * 2;
            return copy;
        }

        int max = Resampler.MaxOutputLength(samples.Length, _format.SampleRate, _callRate);
        byte[] output = ArrayPool<byte>.Shared.Rent(Math.Max(1, max * 2));
        int written = _resampler.Process(samples, Pcm16.AsSamples(output.AsSpan(0, max * 2)));
        length = written * 2;
        return output;
    }

    private static void Grow(ref short[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new short[Math.Max(length, buffer.Length * 2)];
        }
    }
}
