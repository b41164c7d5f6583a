using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class Pcm16Tests
{
    [Theory]
    [InlineData(8000, 320)]
    [InlineData(16000, 640)]
    [InlineData(24000, 960)]
    [InlineData(48000, 1920)]
    public void A_20_ms_mono_frame_has_two_bytes_per_sample(int sampleRate, int expectedBytes)
    {
        Assert.Equal(expectedBytes, Pcm16.BytesPerFrame(sampleRate));
        Assert.Equal(expectedBytes / 2, Pcm16.SamplesPerFrame(sampleRate));
    }

    [Fact]
    public void Frame_sizes_scale_with_duration()
    {
        Assert.Equal(160, Pcm16.BytesPerFrame(8000, 10));
        Assert.Equal(3 * 1920, Pcm16.BytesPerFrame(48000, 60));
    }

    [Fact]
    public void A_duration_that_is_not_a_whole_number_of_samples_is_rejected() =>
        Assert.Throws<ArgumentException>(() => Pcm16.BytesPerFrame(22050, 10));

    [Fact]
    public void Samples_are_read_little_endian_without_copying()
    {
        byte[] bytes = [0x01, 0x00, 0xFF, 0x7F, 0x00, 0x80, 0xFE, 0xFF];
        Span<short> samples = Pcm16.AsSamples(bytes.AsSpan());
        Assert.Equal(new short[] { 1, short.MaxValue, short.MinValue, -2 }, samples.ToArray());

        samples[0] = 0x1234;
        Assert.Equal(0x34, bytes[0]);
        Assert.Equal(0x12, bytes[1]);
    }

    [Fact]
    public void Samples_view_as_their_wire_bytes()
    {
        short[] samples = [258, -1];
        Assert.Equal(new byte[] { 0x02, 0x01, 0xFF, 0xFF }, Pcm16.AsBytes((ReadOnlySpan<short>)samples).ToArray());
    }

    [Fact]
    public void An_odd_number_of_bytes_is_rejected() =>
        Assert.Throws<ArgumentException>(() => Pcm16.AsSamples(new byte[3].AsSpan()));
}
