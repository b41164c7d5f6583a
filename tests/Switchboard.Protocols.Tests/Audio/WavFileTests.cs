using System.Buffers.Binary;
using System.Text;
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
        Assert.Equal(TimeSpan.FromSeconds(6.0 / 8000), audio.Duration);
    }

    [Fact]
    public void The_header_is_the_canonical_44_byte_PCM_header()
    {
        using var stream = new MemoryStream();
        WavFile.Write(stream, new short[10], 16000, channels: 2);
        byte[] b = stream.ToArray();

        Assert.Equal(44 + 20, b.Length);
        Assert.Equal("RIFF", Encoding.ASCII.GetString(b, 0, 4));
        Assert.Equal(36u + 20, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)));
        Assert.Equal("WAVEfmt ", Encoding.ASCII.GetString(b, 8, 8));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(20)));   // PCM
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(22)));   // channels
        Assert.Equal(16000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24)));
        Assert.Equal(64000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(28))); // byte rate
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(32)));   // block align
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(34)));  // bits
        Assert.Equal("data", Encoding.ASCII.GetString(b, 36, 4));
        Assert.Equal(20u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(40)));
    }

    [Fact]
    public void Stereo_samples_stay_interleaved()
    {
        short[] samples = [1, -1, 2, -2, 3, -3];
        using var stream = new MemoryStream();
        WavFile.Write(stream, samples, 48000, channels: 2);
        stream.Position = 0;

        WavAudio audio = WavFile.Read(stream);
        Assert.Equal(samples, audio.Samples);
        Assert.Equal(2, audio.Channels);
    }

    [Fact]
    public void Unknown_chunks_before_and_after_fmt_are_skipped_including_their_pad_byte()
    {
        byte[] file = new WavBuilder()
            .Chunk("JUNK", new byte[3])           // odd size: followed by a pad byte
            .Format(1, 1, 8000, 16)
            .Chunk("LIST", Encoding.ASCII.GetBytes("INFOISFT\u0005\0\0\0test\0"))
            .Data([0x10, 0x00, 0xF0, 0xFF])
            .Build();

        foreach (Stream stream in new Stream[] { new MemoryStream(file), new ForwardOnlyStream(file) })
        {
            WavAudio audio = WavFile.Read(stream);
            Assert.Equal(new short[] { 16, -16 }, audio.Samples);
        }
    }

    [Fact]
    public void An_extensible_format_with_a_PCM_subformat_is_read()
    {
        var fmt = new byte[40];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), 24000);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), 48000);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), 1); // KSDATAFORMAT_SUBTYPE_PCM starts 01 00
        byte[] file = new WavBuilder().Chunk("fmt ", fmt).Data([0x01, 0x02]).Build();

        WavAudio audio = WavFile.Read(new MemoryStream(file));
        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(new short[] { 0x0201 }, audio.Samples);
    }

    public static TheoryData<string, byte[], string> InvalidFiles() => new()
    {
        { "not RIFF", Encoding.ASCII.GetBytes("RIFX\0\0\0\0WAVEfmt "), "RIFF" },
        { "not WAVE", Encoding.ASCII.GetBytes("RIFF\0\0\0\0AVI LIST"), "WAVE" },
        { "empty", [], "truncated" },
        { "8-bit", new WavBuilder().Format(1, 1, 8000, 8).Data([1, 2]).Build(), "8 bits" },
        { "IEEE float", new WavBuilder().Format(3, 1, 8000, 32).Data([0, 0, 0, 0]).Build(), "0x0003" },
        { "µ-law", new WavBuilder().Format(7, 1, 8000, 8).Data([0xFF]).Build(), "0x0007" },
        { "no data chunk", new WavBuilder().Format(1, 1, 8000, 16).Build(), "no data chunk" },
        { "data before fmt", new WavBuilder().Data([0, 0]).Format(1, 1, 8000, 16).Build(), "before the fmt" },
        { "truncated data", new WavBuilder().Format(1, 1, 8000, 16).Data([0, 0, 0, 0]).Build()[..^2], "truncated" },
        { "truncated fmt", new WavBuilder().Format(1, 1, 8000, 16).Build()[..30], "truncated" },
        { "half a sample", new WavBuilder().Format(1, 1, 8000, 16).Data([0, 0, 0]).Build(), "whole number" },
        { "wrong block align", new WavBuilder().Format(1, 2, 8000, 16, blockAlign: 2).Data([0, 0]).Build(), "block alignment" },
        { "zero channels", new WavBuilder().Format(1, 0, 8000, 16, blockAlign: 0).Data([0, 0]).Build(), "0 channels" },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Anything_but_complete_16_bit_PCM_is_rejected_with_a_clear_message(string name, byte[] file, string expected)
    {
        foreach (Stream stream in new Stream[] { new MemoryStream(file), new ForwardOnlyStream(file) })
        {
            InvalidDataException error = Assert.Throws<InvalidDataException>(() => WavFile.Read(stream));
            Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
        }
    }

    [Fact]
    public void A_chunk_claiming_more_bytes_than_the_file_has_is_rejected()
    {
        byte[] file = new WavBuilder().Format(1, 1, 8000, 16).Chunk("LIST", new byte[4]).Data([0, 0]).Build();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12 + 24 + 4), 1_000_000); // LIST size
        Assert.Throws<InvalidDataException>(() => WavFile.Read(new MemoryStream(file)));
        Assert.Throws<InvalidDataException>(() => WavFile.Read(new ForwardOnlyStream(file)));
    }

    [Fact]
    public void Writing_a_partial_multichannel_frame_is_rejected() =>
        Assert.Throws<ArgumentException>(() => WavFile.Write(new MemoryStream(), new short[3], 8000, channels: 2));

    /// <summary>Builds RIFF/WAVE files chunk by chunk, independently of <see cref="WavFile"/>.</summary>
    internal sealed class WavBuilder
    {
        private readonly MemoryStream _body = new();

        public WavBuilder Chunk(string id, byte[] payload)
        {
            _body.Write(Encoding.ASCII.GetBytes(id));
            Span<byte> size = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)payload.Length);
            _body.Write(size);
            _body.Write(payload);
            if (payload.Length % 2 == 1)
            {
                _body.WriteByte(0);
            }

            return this;
        }

        public WavBuilder Format(int tag, int channels, int rate, int bits, int? blockAlign = null)
        {
            var fmt = new byte[16];
            int align = blockAlign ?? channels * bits / 8;
            BinaryPrimitives.WriteUInt16LittleEndian(fmt, (ushort)tag);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)rate);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(rate * align));
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)align);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bits);
            return Chunk("fmt ", fmt);
        }

        public WavBuilder Data(byte[] payload) => Chunk("data", payload);

        public byte[] Build()
        {
            byte[] body = _body.ToArray();
            var file = new byte[12 + body.Length];
            Encoding.ASCII.GetBytes("RIFF").CopyTo(file, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + body.Length));
            Encoding.ASCII.GetBytes("WAVE").CopyTo(file, 8);
            body.CopyTo(file, 12);
            return file;
        }
    }

    /// <summary>A non-seekable stream that returns at most 5 bytes per read, like a socket.</summary>
    internal sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 5), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
