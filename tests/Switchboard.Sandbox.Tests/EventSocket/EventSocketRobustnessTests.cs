using System.Text;
using Switchboard.Fakes;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.EventSocket;

/// <summary>Malformed and hostile input: one connection's junk never disturbs another.</summary>
public sealed class EventSocketRobustnessTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public static TheoryData<int> Seeds => new() { 1, 7, 42, 1234, 99991 };

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_junk_line_is_an_unknown_command_and_the_connection_still_authenticates(int seed)
    {
        var random = new Random(seed);
        var junk = new byte[random.Next(1, 4000)];
        random.NextBytes(junk);
        for (var i = 0; i < junk.Length; i++)
        {
            // One line of junk: no LF inside, and not starting like exit/auth.
            if (junk[i] is (byte)'\n' or (byte)'\r')
            {
                junk[i] = (byte)'x';
            }
        }

        junk[0] = (byte)'#';
        await using var client = await EslTestClient.ConnectAsync("127.0.0.1", _bed.Pbx.EslEndPoint.Port);
        await client.ReadFrameAsync();

        await client.SendRawAsync([.. junk, (byte)'\n', (byte)'\n']);
        var reply = await client.ReadReplyAsync();
        Assert.Equal("-ERR command not found", reply.ReplyText);

        Assert.Equal("+OK accepted", (await client.CommandAsync("auth ClueCon")).ReplyText);
        Assert.Equal("false", await client.ApiAsync("uuid_exists x"));
    }

    [Theory]
    [InlineData("16777217")]
    [InlineData("-1")]
    [InlineData("99999999999999999999")]
    public async Task Out_of_range_content_length_drops_only_that_connection(string length)
    {
        await using var bystander = await _bed.ConnectAsync();
        await using var client = await _bed.ConnectAsync();

        await client.SendRawAsync($"api uuid_exists x\nContent-Length: {length}\n\n");

        var frames = await client.ReadUntilClosedAsync();
        Assert.Equal("text/disconnect-notice", Assert.Single(frames).ContentType);
        Assert.Equal("false", await bystander.ApiAsync("uuid_exists x"));
    }

    [Fact]
    public async Task Body_of_exactly_sixteen_mebibytes_is_accepted()
    {
        await using var client = await _bed.ConnectAsync();
        var body = new byte[16 * 1024 * 1024];
        body.AsSpan().Fill((byte)'a');

        await client.SendRawAsync([.. Encoding.ASCII.GetBytes($"api uuid_exists x\nContent-Length: {body.Length}\n\n"), .. body]);

        var reply = await client.ReadReplyAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("false", reply.BodyText);
    }

    [Fact]
    public async Task Command_split_into_single_bytes_is_read_whole()
    {
        await using var client = await _bed.ConnectAsync();

        foreach (var b in Encoding.ASCII.GetBytes("api uuid_exists some-uuid\nX-Header: yes\n\n"))
        {
            await client.SendRawAsync([b]);
        }

        Assert.Equal("false", (await client.ReadReplyAsync()).BodyText);
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var client = await _bed.ConnectAsync();

        await client.SendRawAsync("api uuid_exists a\n\napi global_getvar hostname\n\nfilter Unique-ID z\n\n");

        Assert.Equal("false", (await client.ReadReplyAsync()).BodyText);
        Assert.Equal(_bed.Pbx.Options.Hostname, (await client.ReadReplyAsync()).BodyText);
        Assert.Equal("+OK filter added. [Unique-ID]=[z]", (await client.ReadReplyAsync()).ReplyText);
    }

    [Fact]
    public async Task Connection_that_sends_nothing_is_closed_after_25_seconds()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await SandboxTestBed.StartAsync(time);
        await using var client = await EslTestClient.ConnectAsync("127.0.0.1", bed.Pbx.EslEndPoint.Port);
        Assert.Equal("auth/request", (await client.ReadFrameAsync()).ContentType);

        time.Advance(TimeSpan.FromSeconds(26));

        var frames = await client.ReadUntilClosedAsync();
        Assert.Equal("text/disconnect-notice", Assert.Single(frames).ContentType);
    }

    [Fact]
    public async Task Reply_text_is_cut_at_511_bytes_like_the_fixed_reply_buffer()
    {
        await using var client = await _bed.ConnectAsync();
        var value = new string('v', 600);

        var reply = await client.CommandAsync($"filter X-Long {value}");

        Assert.Equal(511, Encoding.UTF8.GetByteCount(reply.ReplyText!));
        Assert.StartsWith("+OK filter added. [X-Long]=[vvv", reply.ReplyText, StringComparison.Ordinal);
    }
}
