using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class WavWriterTests
{
    [Fact]
    public void Frames_written_one_by_one_read_back_as_one_recording()
    {
        using var stream = new MemoryStream();
        var expected = new List<short>();
        using (var writer = new WavWriter(stream, 8000, leaveOpen: true))
        {
            for (int i = 0; i < 50; i++)
            {
                short[] frame = Signals.Tone(160, 400 + i, 8000);
                writer.Write(frame);
                expected.AddRange(frame);
            }

            Assert.Equal(50 * 160, writer.SamplesWritten);
        }

        stream.Position = 0;
        WavAudio audio = WavFile.Read(stream);
        Assert.Equal(expected.ToArray(), audio.Samples);
        Assert.Equal(8000, audio.SampleRate);
    }

    [Fact]
    public void Flush_makes_everything_written_so_far_readable_while_recording_continues()
    {
        using var stream = new MemoryStream();
        using var writer = new WavWriter(stream, 16000, leaveOpen: true);
        writer.Write(new short[] { 1, 2, 3 });
        writer.Flush();

        WavAudio snapshot = WavFile.Read(new MemoryStream(stream.ToArray()));
        Assert.Equal(new short[] { 1, 2, 3 }, snapshot.Samples);

        writer.Write(new short[] { 4 }); // appends after the data, not over the patched header
        writer.Flush();
        Assert.Equal(new short[] { 1, 2, 3, 4 }, WavFile.Read(new MemoryStream(stream.ToArray())).Samples);
    }

    [Fact]
    public void The_header_is_patched_where_the_recording_started_in_the_stream()
    {
        using var stream = new MemoryStream();
        stream.Write(new byte[] { 9, 9, 9 });
        using (var writer = new WavWriter(stream, 24000, channels: 2, leaveOpen: true))
        {
            writer.Write(new short[] { 5, -5 });
        }

        WavAudio audio = WavFile.Read(new MemoryStream(stream.ToArray()[3..]));
        Assert.Equal(new short[] { 5, -5 }, audio.Samples);
        Assert.Equal(2, audio.Channels);
        Assert.Equal(24000, audio.SampleRate);
    }

    [Fact]
    public void Dispose_closes_the_stream_unless_asked_to_leave_it_open()
    {
        var owned = new MemoryStream();
        new WavWriter(owned, 8000).Dispose();
        Assert.False(owned.CanWrite);

        var borrowed = new MemoryStream();
        var writer = new WavWriter(borrowed, 8000, leaveOpen: true);
        writer.Dispose();
        writer.Dispose();
        Assert.True(borrowed.CanWrite);
        Assert.Empty(WavFile.Read(new MemoryStream(borrowed.ToArray())).Samples);
        Assert.Throws<ObjectDisposedException>(() => writer.Write(new short[1]));
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new WavWriter(new WavFileTests.ForwardOnlyStream([]), 8000));
}
