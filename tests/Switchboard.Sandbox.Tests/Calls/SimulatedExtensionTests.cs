using System.Diagnostics;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Calls;

/// <summary>Simulated phones of a domain, reached with <c>user/</c>, <c>loopback/&lt;n&gt;/&lt;domain&gt;</c> or a transfer.</summary>
public sealed class SimulatedExtensionTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Answering_extension_rings_then_answers_after_its_delay()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1001", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(300) });
        await using var events = await _bed.ListenAsync("CHANNEL_PROGRESS CHANNEL_ANSWER");
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();
        var clock = Stopwatch.StartNew();

        var reply = await client.ApiAsync($"originate {{origination_uuid={uuid},ignore_early_media=true}}user/1001@{SandboxTestBed.Domain} &park()");

        Assert.Equal($"+OK {uuid}\n", reply);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(280), $"answered after {clock.Elapsed}");
        var progress = await events.WaitForEventAsync("CHANNEL_PROGRESS", uuid);
        var answer = await events.WaitForEventAsync("CHANNEL_ANSWER", uuid);
        Assert.Equal("sofia/internal/1001@example.com", answer["Channel-Name"]);
        Assert.True(long.Parse(answer["Event-Date-Timestamp"]!) - long.Parse(progress["Event-Date-Timestamp"]!) >= 250_000);
    }

    [Theory]
    [InlineData(ExtensionBehaviour.Busy, "USER_BUSY")]
    [InlineData(ExtensionBehaviour.Rejects, "CALL_REJECTED")]
    [InlineData(ExtensionBehaviour.NotRegistered, "USER_NOT_REGISTERED")]
    public async Task Refusing_extension_fails_the_originate_with_its_cause_quickly(ExtensionBehaviour behaviour, string cause)
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1002", new SimulatedExtension { Behaviour = behaviour });
        await using var client = await _bed.ConnectAsync();
        var clock = Stopwatch.StartNew();

        var reply = await client.ApiAsync($"originate user/1002@{SandboxTestBed.Domain} &park()");

        Assert.Equal($"-ERR {cause}\n", reply);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Busy_leg_reports_sip_486_as_its_termination_status()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1002", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });
        await using var events = await _bed.ListenAsync("CHANNEL_HANGUP_COMPLETE");
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();

        await client.ApiAsync($"originate {{origination_uuid={uuid}}}user/1002@{SandboxTestBed.Domain} &park()");

        var complete = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", uuid);
        Assert.Equal("USER_BUSY", complete["Hangup-Cause"]);
        Assert.Equal("486", complete["variable_sip_term_status"]);
        Assert.Equal("recv_refuse", complete["variable_sip_hangup_disposition"]);
    }

    [Fact]
    public async Task Extension_that_never_answers_rings_until_the_originate_timeout()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1003", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer });
        await using var events = await _bed.ListenAsync("CHANNEL_PROGRESS CHANNEL_HANGUP_COMPLETE");
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();
        var clock = Stopwatch.StartNew();

        var reply = await client.ApiAsync($"originate {{origination_uuid={uuid},originate_timeout=2}}user/1003@{SandboxTestBed.Domain} &park()");

        Assert.Equal("-ERR NO_ANSWER\n", reply);
        // The 2 s timeout, not the 60 s default; the upper bound leaves room for a loaded CI machine (3.3 s seen).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.3), TimeSpan.FromSeconds(5));
        await events.WaitForEventAsync("CHANNEL_PROGRESS", uuid);
        Assert.Equal("NO_ANSWER", (await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", uuid))["Hangup-Cause"]);
    }

    [Fact]
    public async Task Unknown_extension_of_a_known_domain_is_subscriber_absent()
    {
        await using var client = await _bed.ConnectAsync();

        Assert.Equal("-ERR SUBSCRIBER_ABSENT\n", await client.ApiAsync($"originate user/5999@{SandboxTestBed.Domain} &park()"));
    }

    [Theory]
    [InlineData(ExtensionBehaviour.Busy, "-ERR USER_BUSY\n")]
    [InlineData(ExtensionBehaviour.Rejects, "-ERR CALL_REJECTED\n")]
    public async Task Ring_group_reached_through_loopback_passes_the_failure_back(ExtensionBehaviour behaviour, string expected)
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "9000", new SimulatedExtension { Behaviour = behaviour });
        await using var client = await _bed.ConnectAsync();

        Assert.Equal(expected, await client.ApiAsync($"originate loopback/9000/{SandboxTestBed.Domain} &park()"));
    }

    [Fact]
    public async Task Ring_group_reached_through_loopback_answers_when_a_member_answers()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "9000", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(100) });
        await using var events = await _bed.ListenAsync("CHANNEL_BRIDGE");
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();

        Assert.Equal($"+OK {uuid}\n", await client.ApiAsync($"originate {{origination_uuid={uuid}}}loopback/9000/{SandboxTestBed.Domain} &park()"));

        var bridge = await events.WaitForEventAsync(e => e.Name == "CHANNEL_BRIDGE");
        Assert.Equal("loopback/9000-b", bridge["Channel-Name"]);
    }

    [Theory]
    [InlineData(AnnouncementResponse.Accepts, '1')]
    [InlineData(AnnouncementResponse.Refuses, '2')]
    public async Task Human_answers_the_announcement_with_a_key_after_the_reaction_delay(AnnouncementResponse response, char digit)
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1004", new SimulatedExtension
        {
            AnswerDelay = TimeSpan.FromMilliseconds(50),
            AnnouncementResponse = response,
            ReactionDelay = TimeSpan.FromMilliseconds(200),
        });
        await using var events = await _bed.ListenAsync("CHANNEL_ANSWER DTMF");
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();

        Assert.Equal($"+OK {uuid}\n", await client.ApiAsync($"originate {{origination_uuid={uuid}}}user/1004@{SandboxTestBed.Domain} &park()"));

        var answer = await events.WaitForEventAsync("CHANNEL_ANSWER", uuid);
        var dtmf = await events.WaitForEventAsync("DTMF", uuid);
        Assert.Equal(digit.ToString(), dtmf["DTMF-Digit"]);
        Assert.True(long.Parse(dtmf["Event-Date-Timestamp"]!) - long.Parse(answer["Event-Date-Timestamp"]!) >= 180_000);
    }

    [Fact]
    public async Task Human_who_hangs_up_on_the_announcement_ends_the_leg_normally()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1005", new SimulatedExtension
        {
            AnswerDelay = TimeSpan.FromMilliseconds(50),
            AnnouncementResponse = AnnouncementResponse.HangsUp,
            ReactionDelay = TimeSpan.FromMilliseconds(100),
        });
        await using var events = await _bed.ListenAsync("CHANNEL_HANGUP_COMPLETE");
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();

        await client.ApiAsync($"originate {{origination_uuid={uuid}}}user/1005@{SandboxTestBed.Domain} &park()");

        var complete = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", uuid);
        Assert.Equal("NORMAL_CLEARING", complete["Hangup-Cause"]);
        Assert.Equal("recv_bye", complete["variable_sip_hangup_disposition"]);
    }

    [Fact]
    public async Task Parked_caller_bridged_to_a_human_returns_to_park_when_the_human_hangs_up()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1006", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(50) });
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CHANNEL_BRIDGE CHANNEL_UNBRIDGE");
        await using var client = await _bed.ConnectAsync();
        var caller = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", caller.Uuid);
        var human = Guid.NewGuid().ToString();
        Assert.Equal($"+OK {human}\n", await client.ApiAsync($"originate {{origination_uuid={human}}}user/1006@{SandboxTestBed.Domain} &park()"));
        await events.WaitForEventAsync("CHANNEL_PARK", human);

        Assert.Equal($"+OK {human}\n", await client.ApiAsync($"uuid_bridge {caller.Uuid} {human}"));
        await events.WaitForEventAsync("CHANNEL_BRIDGE", caller.Uuid);
        Assert.Equal(human, caller.BridgedTo);
        await _bed.Pbx.FindChannel(human)!.HangupAsync();

        await events.WaitForEventAsync("CHANNEL_UNBRIDGE");
        await events.WaitForEventAsync("CHANNEL_PARK", caller.Uuid);
        Assert.Equal("true", await client.ApiAsync($"uuid_exists {caller.Uuid}"));
        Assert.Null(caller.BridgedTo);
    }

    [Fact]
    public async Task Caller_transferred_to_an_extension_is_bridged_to_it()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1007", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(50) });
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE");
        await using var client = await _bed.ConnectAsync();
        var caller = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", caller.Uuid);

        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_transfer {caller.Uuid} 1007 XML {SandboxTestBed.Domain}"));

        var bridge = await events.WaitForEventAsync("CHANNEL_BRIDGE", caller.Uuid);
        var human = _bed.Pbx.FindChannel(bridge["Bridge-B-Unique-ID"]!)!;
        Assert.Equal("sofia/internal/1007@example.com", human.Name);
        await human.HangupAsync();
        Assert.Equal("NORMAL_CLEARING", (await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", caller.Uuid))["Hangup-Cause"]);
    }

    [Fact]
    public async Task Failover_dial_string_tries_the_next_leg_when_the_first_is_busy()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1010", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1011", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(50) });
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();

        var reply = await client.ApiAsync($"originate {{origination_uuid={uuid}}}user/1010@{SandboxTestBed.Domain}|user/1011@{SandboxTestBed.Domain} &park()");

        Assert.StartsWith("+OK ", reply, StringComparison.Ordinal);
        var answered = _bed.Pbx.FindChannel(reply[4..^1])!;
        Assert.Equal("sofia/internal/1011@example.com", answered.Name);
    }

    [Fact]
    public async Task Simultaneous_legs_race_and_the_loser_hangs_up_with_lose_race()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1012", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer });
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1013", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(100) });
        await using var events = await _bed.ListenAsync("CHANNEL_HANGUP_COMPLETE");
        await using var client = await _bed.ConnectAsync();

        var reply = await client.ApiAsync($"originate [origination_caller_id_number=111]user/1012@{SandboxTestBed.Domain},[origination_caller_id_number=222]user/1013@{SandboxTestBed.Domain} &park()");

        Assert.StartsWith("+OK ", reply, StringComparison.Ordinal);
        var winner = _bed.Pbx.FindChannel(reply[4..^1])!;
        Assert.Equal("sofia/internal/1013@example.com", winner.Name);
        Assert.Equal("222", winner.GetVariable("origination_caller_id_number"));
        var loser = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE");
        Assert.Equal("sofia/internal/1012@example.com", loser["Channel-Name"]);
        Assert.Equal("LOSE_RACE", loser["Hangup-Cause"]);
    }

    [Fact]
    public async Task Global_variables_with_another_separator_may_contain_commas_and_quoted_spaces()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1014", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(20) });
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();

        var reply = await client.ApiAsync($"originate {{^^;origination_uuid={uuid};switchboard_list=a,b,c;origination_caller_id_name='Front Desk'}}user/1014@{SandboxTestBed.Domain} &park()");

        Assert.Equal($"+OK {uuid}\n", reply);
        Assert.Equal("a,b,c", await client.ApiAsync($"uuid_getvar {uuid} switchboard_list"));
        Assert.Equal("Front Desk", _bed.Pbx.FindChannel(uuid)!.CallerIdName);
    }
}
