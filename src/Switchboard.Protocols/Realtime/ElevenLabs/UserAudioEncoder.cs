using System.Buffers.Text;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.ElevenLabs;

/// <summary>
/// Turns one caller frame (PCM16 at the call rate) into the <c>{"user_audio_chunk":"&lt;base64&gt;"}</c> message
/// (ai-providers.md §2.3: no <c>type</c> field) in the agent's input format. Every buffer is reused, so a
/// frame costs no allocation once the buffers have grown to the frame size.
/// </summary>
internal sealed class UserAudioEncoder
{
    private static ReadOnlySpan<byte> Prefix => "{\"user_audio_chunk\":\""u8;

    private static ReadOnlySpan<byte> Suffix => "\"}"u8;

    private readonly ElevenLabsAudioFormat _format;
    private readonly int _callRate;
    private readonly Resampler? _resampler;
    private short[] _resampled = [];
    private byte[] _encoded = [];
    private byte[] _message = [];

    public UserAudioEncoder(ElevenLabsAudioFormat format, int callRate)
    {
        _format = format;
        _callRate = callRate;
        _resampler = format.SampleRate == callRate ? null : new Resampler(callRate, format.SampleRate);
    }

    /// <summary>The message for <paramref name="pcm"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Encode(ReadOnlySpan<byte> pcm)
    {
        ReadOnlySpan<short> samples = Pcm16.AsSamples(pcm);
        if (_resampler is not null)
        {
            int max = Resampler.MaxOutputLength(samples.Length, _callRate, _format.SampleRate);
            Grow(ref _resampled, max);
            int written = _resampler.Process(samples, _resampled);
            samples = _resampled.AsSpan(0, written);
        }

        ReadOnlySpan<byte> payload;
        if (_format.MuLaw)
        {
            Grow(ref _encoded, samples.Length);
            G711.MuLawEncode(samples, _encoded);
            payload = _encoded.AsSpan(0, samples.Length);
        }
        else
        {
            payload = Pcm16.AsBytes(samples);
        }

        int base64Length = Base64.GetMaxEncodedToUtf8Length(payload.Length);
        Grow(ref _message, Prefix.Length + base64Length + Suffix.Length);
        Span<byte> message = _message;
        Prefix.CopyTo(message);
        Base64.EncodeToUtf8(payload, message[Prefix.Length..], out _, out int encoded);
        Suffix.CopyTo(message[(Prefix.Length + encoded)..]);
        return _message.AsMemory(0, Prefix.Length + encoded + Suffix.Length);
    }

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }
}
