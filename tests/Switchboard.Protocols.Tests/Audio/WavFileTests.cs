using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class WavFileTests
{
    [Fact]
    public void A_written_file_reads_back_the_same_samples()
    {
        short[] samples = [0, 1, -1, short.MaxValue, short.MinValue, 1234];
        using var stream = new MemoryStream();
        WavFile.Write(stream, samples, 8000);
        stream.Position = 0;

        WavAudio audio = WavFile.Read(stream);

        Assert.Equal(samples, audio.Samples);
        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(1, audio.Channels);
    }
}
