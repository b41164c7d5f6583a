using System.Text;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

public sealed class ApiReplyTests(PbxTarget target) : ConformanceTest(target)
{
    [Fact]
    public async Task Api_response_puts_content_type_before_content_length_and_returns_the_exact_body()
    {
        var client = await ConnectAsync();
        await client.SendRawAsync($"api uuid_exists {Guid.NewGuid()}\n\n");

        var reply = await client.ReadReplyAsync();

        Assert.Equal("Content-Type: api/response\nContent-Length: 5\n\n", Encoding.UTF8.GetString(reply.HeaderBytes));
        Assert.Equal("false", reply.BodyText);
    }

    [Fact]
    public async Task Unknown_api_command_reports_command_not_found()
    {
        var client = await ConnectAsync();

        Assert.Equal("-ERR switchboard_no_such_command Command not found!\n", await client.ApiAsync("switchboard_no_such_command with args"));
    }

    [Fact]
    public async Task Api_command_that_prints_nothing_answers_no_reply()
    {
        var client = await ConnectAsync();

        Assert.Equal("-ERR no reply\n", await client.ApiAsync("global_getvar switchboard_surely_unset_variable"));
    }

    [Fact]
    public async Task Unknown_socket_command_is_not_found()
    {
        var client = await ConnectAsync();

        var reply = await client.CommandAsync("switchboard nonsense");

        Assert.Equal("command/reply", reply.ContentType);
        Assert.Equal("-ERR command not found", reply.ReplyText);
    }

    [Fact]
    public async Task Bgapi_replies_with_the_client_job_uuid_and_reports_a_background_job()
    {
        var client = await ListenAsync("BACKGROUND_JOB");
        var job = Guid.NewGuid().ToString();
        var uuid = Guid.NewGuid().ToString();

        var reply = await client.CommandAsync($"bgapi uuid_exists {uuid}", ("Job-UUID", job));

        Assert.Equal($"Content-Type: command/reply\nReply-Text: +OK Job-UUID: {job}\nJob-UUID: {job}\n\n", Encoding.UTF8.GetString(reply.HeaderBytes));
        var e = await client.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == job);
        Assert.Equal("uuid_exists", e["Job-Command"]);
        Assert.Equal(uuid, e["Job-Command-Arg"]);
        Assert.Equal("false", e.Body);
    }

    [Fact]
    public async Task Bgapi_without_a_job_uuid_generates_one_and_omits_the_argument_header_when_there_is_none()
    {
        var client = await ListenAsync("BACKGROUND_JOB");

        var reply = await client.CommandAsync("bgapi status");

        var job = reply.Header("Job-UUID");
        Assert.True(Guid.TryParse(job, out _));
        Assert.Equal("+OK Job-UUID: " + job, reply.ReplyText);
        var e = await client.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == job);
        Assert.Equal("status", e["Job-Command"]);
        Assert.Null(e["Job-Command-Arg"]);
        Assert.StartsWith("UP ", e.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_background_job_url_encodes_the_argument_and_carries_the_body_after_an_inner_content_length()
    {
        var client = await ListenAsync("BACKGROUND_JOB", "plain");
        var job = Guid.NewGuid().ToString();

        await client.CommandAsync("bgapi uuid_exists no such@uuid", ("Job-UUID", job));

        var e = await client.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == job);
        var text = e.Frame.BodyText;
        Assert.Equal("text/event-plain", e.Frame.ContentType);
        Assert.Equal(e.Frame.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Frame.Header("Content-Length"));
        Assert.Contains("\nJob-Command-Arg: no%20such%40uuid\n", text, StringComparison.Ordinal);
        Assert.Contains("\nJob-Owner-UUID: _undef_\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\nContent-Length: 5\n\nfalse", text, StringComparison.Ordinal);
        Assert.StartsWith("Event-Name: BACKGROUND_JOB\n", text, StringComparison.Ordinal);
    }
}
