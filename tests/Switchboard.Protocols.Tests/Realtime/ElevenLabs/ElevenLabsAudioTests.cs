using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime.ElevenLabs;
using Switchboard.Protocols.Tests.Audio;

namespace Switchboard.Protocols.Tests.Realtime.ElevenLabs;

public sealed class ElevenLabsAudioTests
{
    [Theory]
    [InlineData("ulaw_8000")]
    [InlineData("pcm_8000")]
    [InlineData("pcm_16000")]
    public void Encoding_a_caller_frame_allocates_nothing_once_warm(string formatName)
    {
        Assert.True(ElevenLabsAudioFormat.TryParse(formatName, out ElevenLabsAudioFormat format));
        var encoder = new UserAudioEncoder(format, 8000);
        byte[] frame = Pcm16.AsBytes(Signals.Tone(160, 440, 8000).AsSpan()).ToArray();
        encoder.Encode(frame);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 500; i++)
        {
            total += encoder.Encode(frame).Length;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    [Fact]
    public void A_mulaw_frame_becomes_the_user_audio_chunk_message_with_the_g711_bytes_in_base64()
    {
        Assert.True(ElevenLabsAudioFormat.TryParse("ulaw_8000", out ElevenLabsAudioFormat format));
        var encoder = new UserAudioEncoder(format, 8000);
        short[] tone = Signals.Tone(160, 440, 8000);
        byte[] ulaw = new byte[160];
        G711.MuLawEncode(tone, ulaw);

        string message = System.Text.Encoding.UTF8.GetString(encoder.Encode(Pcm16.AsBytes(tone.AsSpan())).Span);

        Assert.Equal("{\"user_audio_chunk\":\"" + Convert.ToBase64String(ulaw) + "\"}", message);
    }

    [Fact]
    public void Pcm_chunks_with_odd_byte_counts_keep_samples_whole_across_chunks()
    {
        Assert.True(ElevenLabsAudioFormat.TryParse("pcm_8000", out ElevenLabsAudioFormat format));
        var decoder = new AgentAudioDecoder(format, 8000);
        byte[] pcm = Pcm16.AsBytes(Signals.Tone(100, 440, 8000).AsSpan()).ToArray();
        var output = new List<byte>();
        foreach ((int start, int length) in new[] { (0, 51), (51, 1), (52, 97), (149, 51) })
        {
            byte[] decoded = decoder.Decode(pcm.AsSpan(start, length), out int decodedLength);
            output.AddRange(decoded.AsSpan(0, decodedLength).ToArray());
            System.Buffers.ArrayPool<byte>.Shared.Return(decoded);
        }

        Assert.Equal(pcm, output.ToArray());
    }

    [Theory]
    [InlineData("pcm_22050")]
    [InlineData("pcm_44100")]
    [InlineData("alaw_8000")]
    [InlineData("mp3_44100")]
    [InlineData(null)]
    public void Formats_the_bridge_cannot_convert_are_not_parsed(string? name) =>
        Assert.False(ElevenLabsAudioFormat.TryParse(name, out _));
}
