using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class G711Tests
{
    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x00, -32124)]
    [InlineData(0x80, 32124)]
    [InlineData(0x7F, 0)]
    public void MuLaw_codes_decode_to_the_ITU_table_values(int code, int expected) =>
        Assert.Equal(expected, G711.MuLawDecode((byte)code));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    public void ALaw_codes_decode_to_the_ITU_table_values(int code, int expected) =>
        Assert.Equal(expected, G711.ALawDecode((byte)code));

    [Fact]
    public void Silence_encodes_to_the_ITU_idle_codes()
    {
        Assert.Equal(0xFF, G711.MuLawEncode(0));
        Assert.Equal(0xD5, G711.ALawEncode(0));
        Assert.Equal(0x55, G711.ALawEncode(-8));
        Assert.Equal(0x00, G711.MuLawEncode(-32124));
    }
}
