using System.Diagnostics;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

/// <summary>Outcomes and timings of <c>originate</c> (freeswitch-verified.md Q7), through the conformance extensions.</summary>
public sealed class OriginateTests(PbxTarget target) : ConformanceTest(target)
{
    private const string Usage = "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n";

    [Fact]
    public async Task Answered_originate_returns_ok_with_the_origination_uuid_and_the_leg_parks()
    {
        var events = await ListenAsync("CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_PARK");
        var client = await ConnectAsync();

        var uuid = await ParkAsync(client);

        Assert.Equal("true", await client.ApiAsync($"uuid_exists {uuid}"));
        await events.WaitForEventAsync("CHANNEL_CREATE", uuid);
        await events.WaitForEventAsync("CHANNEL_ANSWER", uuid);
        var park = await events.WaitForEventAsync("CHANNEL_PARK", uuid);
        Assert.Equal("park", park["variable_current_application"]);
    }

    [Theory]
    [InlineData("7486", "USER_BUSY")]
    [InlineData("7487", "CALL_REJECTED")]
    public async Task Extension_that_hangs_up_with_a_cause_fails_the_originate_with_it_quickly(string extension, string cause)
    {
        var client = await ConnectAsync();
        var clock = Stopwatch.StartNew();

        var reply = await client.ApiAsync($"originate loopback/{extension} &park()");

        Assert.Equal($"-ERR {cause}\n", reply);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Unanswered_originate_fails_with_no_answer_around_the_originate_timeout()
    {
        var client = await ConnectAsync();
        var clock = Stopwatch.StartNew();

        var reply = await client.ApiAsync("originate {originate_timeout=2}loopback/7500 &park()");

        Assert.Equal("-ERR NO_ANSWER\n", reply);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Unanswered_background_originate_reports_no_answer_at_the_timeout()
    {
        var client = await ListenAsync("BACKGROUND_JOB");
        var job = Guid.NewGuid().ToString();
        var clock = Stopwatch.StartNew();

        await client.CommandAsync("bgapi originate {originate_timeout=2}loopback/7500 &park()", ("Job-UUID", job));
        var e = await client.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == job, TimeSpan.FromSeconds(10));

        Assert.Equal("-ERR NO_ANSWER\n", e.Body);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4.5));
    }

    [Fact]
    public async Task Unknown_directory_user_fails_with_subscriber_absent_immediately()
    {
        var client = await ConnectAsync();
        var clock = Stopwatch.StartNew();

        var reply = await client.ApiAsync($"originate user/9999@{Target.Domain} &park()");

        Assert.Equal("-ERR SUBSCRIBER_ABSENT\n", reply);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Unregistered_directory_user_fails_with_user_not_registered_immediately()
    {
        var client = await ConnectAsync();
        var clock = Stopwatch.StartNew();

        var reply = await client.ApiAsync($"originate user/{Target.UnregisteredUser}@{Target.Domain} &park()");

        Assert.Equal("-ERR USER_NOT_REGISTERED\n", reply);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Error_endpoint_fails_with_the_cause_it_names()
    {
        var client = await ConnectAsync();

        Assert.Equal("-ERR USER_BUSY\n", await client.ApiAsync("originate error/user_busy &park()"));
    }

    [Fact]
    public async Task Failed_background_originate_reports_the_leg_hangup_before_the_background_job()
    {
        var client = await ListenAsync("CHANNEL_HANGUP_COMPLETE BACKGROUND_JOB");
        var uuid = Guid.NewGuid().ToString();
        var job = Guid.NewGuid().ToString();

        var reply = await client.CommandAsync($"bgapi originate {{origination_uuid={uuid}}}loopback/7486 &park()", ("Job-UUID", job));
        Assert.Equal("+OK Job-UUID: " + job, reply.ReplyText);

        var hangup = await client.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", uuid);
        var done = await client.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == job);
        Assert.Equal("USER_BUSY", hangup["Hangup-Cause"]);
        Assert.Equal("-ERR USER_BUSY\n", done.Body);
        Assert.True(client.AllEvents.IndexOf(hangup) < client.AllEvents.IndexOf(done));
    }

    [Fact]
    public async Task Originate_with_too_few_arguments_prints_its_usage()
    {
        var client = await ConnectAsync();

        Assert.Equal(Usage, await client.ApiAsync("originate"));
        Assert.Equal(Usage, await client.ApiAsync("originate loopback/7441"));
    }
}
