using System.Text;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

public sealed class AuthenticationTests(PbxTarget target) : ConformanceTest(target)
{
    private const string Goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

    [Fact]
    public async Task Connect_greets_with_auth_request_and_the_right_password_is_accepted()
    {
        await using var client = await Target.ConnectRawAsync();

        var greeting = await client.ReadFrameAsync();
        Assert.Equal("Content-Type: auth/request\n\n", Encoding.UTF8.GetString(greeting.HeaderBytes));
        Assert.Empty(greeting.Body);

        var reply = await client.CommandAsync("auth " + Target.Password);
        Assert.Equal("Content-Type: command/reply\nReply-Text: +OK accepted\n\n", Encoding.UTF8.GetString(reply.HeaderBytes));
    }

    [Fact]
    public async Task Wrong_password_is_refused_then_a_disconnect_notice_closes_the_socket()
    {
        await using var client = await Target.ConnectRawAsync();
        await client.ReadFrameAsync();

        var reply = await client.CommandAsync("auth not-the-password");
        Assert.Equal("-ERR invalid", reply.ReplyText);

        var rest = await client.ReadUntilClosedAsync();
        var notice = Assert.Single(rest);
        Assert.Equal("text/disconnect-notice", notice.ContentType);
        Assert.Equal(Goodbye, notice.BodyText);
    }

    [Fact]
    public async Task Commands_before_authentication_are_not_found_and_the_connection_stays_usable()
    {
        await using var client = await Target.ConnectRawAsync();
        await client.ReadFrameAsync();

        var early = await client.CommandAsync("api uuid_exists x");
        Assert.Equal("command/reply", early.ContentType);
        Assert.Equal("-ERR command not found", early.ReplyText);

        var reply = await client.CommandAsync("auth " + Target.Password);
        Assert.Equal("+OK accepted", reply.ReplyText);
    }

    [Fact]
    public async Task Exit_replies_bye_then_sends_a_disconnect_notice_and_closes()
    {
        await using var client = await Target.ConnectAsync();

        var reply = await client.CommandAsync("exit");
        Assert.Equal("+OK bye", reply.ReplyText);

        var rest = await client.ReadUntilClosedAsync();
        var notice = Assert.Single(rest);
        Assert.Equal("text/disconnect-notice", notice.ContentType);
        Assert.Equal(Goodbye.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), notice.Header("Content-Length"));
        Assert.Equal(Goodbye, notice.BodyText);
    }

    [Fact]
    public async Task Blank_lines_before_a_command_and_crlf_line_endings_are_accepted()
    {
        await using var client = await Target.ConnectRawAsync();
        await client.ReadFrameAsync();

        await client.SendRawAsync("\n\r\n\nauth " + Target.Password + "\r\n\r\n");
        var reply = await client.ReadReplyAsync();
        Assert.Equal("+OK accepted", reply.ReplyText);

        await client.SendRawAsync("api uuid_exists nothing-here\r\n\r\n");
        var api = await client.ReadReplyAsync();
        Assert.Equal("false", api.BodyText);
    }
}
