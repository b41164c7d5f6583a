using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

/// <summary>Transfers into a conference and the member commands (freeswitch-verified.md Q5).</summary>
public sealed class ConferenceTests(PbxTarget target) : ConformanceTest(target)
{
    [Fact]
    public async Task Pipe_separated_flags_make_a_muted_moderator_and_a_kick_hangs_up_normally()
    {
        var events = await ListenAsync("CHANNEL_HANGUP_COMPLETE CUSTOM conference::maintenance");
        var client = await ConnectAsync();
        var conference = NewName();
        var uuid = await ParkAsync(client);

        var id = await JoinAsync(client, events, uuid, $"conference:{conference}@default+flags{{mute|moderator}}");

        Assert.Equal("hear|floor|moderator", MemberFlags(await client.ApiAsync($"conference {conference} list"), uuid));
        Assert.Equal($"+OK kicked {id}\n", await client.ApiAsync($"conference {conference} kick {id}"));
        var hangup = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", uuid);
        Assert.Equal("NORMAL_CLEARING", hangup["Hangup-Cause"]);
    }

    [Fact]
    public async Task Comma_separated_flags_lose_moderator_and_a_kick_ends_the_call_with_destination_out_of_order()
    {
        var events = await ListenAsync("CHANNEL_HANGUP_COMPLETE CUSTOM conference::maintenance");
        var client = await ConnectAsync();
        var conference = NewName();
        var uuid = await ParkAsync(client);

        var id = await JoinAsync(client, events, uuid, $"conference:{conference}@default+flags{{mute,moderator}}");

        Assert.Equal("hear|floor", MemberFlags(await client.ApiAsync($"conference {conference} list"), uuid));
        Assert.Equal($"+OK kicked {id}\n", await client.ApiAsync($"conference {conference} kick {id}"));
        var hangup = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", uuid);
        Assert.Equal("DESTINATION_OUT_OF_ORDER", hangup["Hangup-Cause"]);
    }

    [Fact]
    public async Task A_kicked_member_with_park_after_the_conference_returns_to_park()
    {
        var events = await ListenAsync("CHANNEL_PARK CUSTOM conference::maintenance");
        var client = await ConnectAsync();
        var conference = NewName();
        var uuid = await ParkAsync(client);
        await events.WaitForEventAsync("CHANNEL_PARK", uuid);

        var id = await JoinAsync(client, events, uuid, $"conference:{conference}@default+flags{{mute|moderator}},park");
        Assert.Equal($"+OK kicked {id}\n", await client.ApiAsync($"conference {conference} kick {id}"));

        await events.WaitForEventAsync(x => x.Name == "CUSTOM" && x["Action"] == "del-member" && x["Unique-ID"] == uuid);
        await events.WaitForEventAsync("CHANNEL_PARK", uuid);
        Assert.Equal("true", await client.ApiAsync($"uuid_exists {uuid}"));
    }

    [Fact]
    public async Task Conference_events_announce_create_add_delete_and_destroy()
    {
        var events = await ListenAsync("CUSTOM conference::maintenance");
        var client = await ConnectAsync();
        var conference = NewName();
        var uuid = await ParkAsync(client);

        var id = await JoinAsync(client, events, uuid, $"conference:{conference}@default+flags{{mute|moderator}}");
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_kill {uuid}"));

        var create = events.AllEvents.First(x => x["Action"] == "conference-create" && x["Conference-Name"] == conference);
        var add = events.AllEvents.First(x => x["Action"] == "add-member" && x["Conference-Name"] == conference);
        var delete = await events.WaitForEventAsync(x => x["Action"] == "del-member" && x["Conference-Name"] == conference);
        var destroy = await events.WaitForEventAsync(x => x["Action"] == "conference-destroy" && x["Conference-Name"] == conference);
        Assert.Equal("conference::maintenance", create["Event-Subclass"]);
        Assert.Equal("Event-Subclass", create.Headers[0].Key);
        Assert.Null(create["Unique-ID"]);
        Assert.Null(destroy["Unique-ID"]);
        Assert.Equal(uuid, add["Unique-ID"]);
        Assert.Equal("moderator", add["Member-Type"]);
        Assert.Equal("false", add["Speak"]);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), delete["Member-ID"]);
    }

    [Fact]
    public async Task Member_commands_reply_exactly_and_read_a_uuid_target_with_atoi()
    {
        var events = await ListenAsync("CUSTOM conference::maintenance");
        var client = await ConnectAsync();
        var conference = NewName();
        var moderatorUuid = await ParkAsync(client);
        var moderator = await JoinAsync(client, events, moderatorUuid, $"conference:{conference}@default+flags{{mute|moderator}}");
        var memberUuid = Track(Guid.NewGuid().ToString());
        Assert.Equal($"+OK {memberUuid}\n", await client.ApiAsync($"originate {{origination_uuid={memberUuid}}}loopback/7441 &conference({conference}@default)"));
        var member = MemberId(await events.WaitForEventAsync(x => x["Action"] == "add-member" && x["Unique-ID"] == memberUuid));
        var absent = Math.Max(moderator, member) + 1000;

        Assert.Equal("2", await client.ApiAsync($"conference {conference} get count"));
        Assert.Equal("2", await client.ApiAsync($"conference {conference} list count"));
        Assert.Equal($"-ERR Non-Existant ID {absent}\n", await client.ApiAsync($"conference {conference} mute {PbxTarget.UuidStartingWith(absent)}"));
        Assert.Equal($"+OK mute {member}\n", await client.ApiAsync($"conference {conference} mute {PbxTarget.UuidStartingWith(member)}"));
        Assert.Equal("hear", MemberFlags(await client.ApiAsync($"conference {conference} list"), memberUuid));
        Assert.Equal("mute <[member_id|all]|last|non_moderator> [<quiet>]", await client.ApiAsync($"conference {conference} mute f{Guid.NewGuid().ToString()[1..]}"));
        Assert.Equal($"+OK unmute {member}\n+OK unmute {moderator}\n", await client.ApiAsync($"conference {conference} unmute all"));
        Assert.Equal($"+OK mute {member}\nSkipping moderator (member id {moderator}).\n", await client.ApiAsync($"conference {conference} mute non_moderator"));
        Assert.Equal($"+OK unmute {member}\n", await client.ApiAsync($"conference {conference} tmute {member}"));
        Assert.Equal($"+OK mute {member}\n", await client.ApiAsync($"conference {conference} tmute {member}"));
        Assert.Equal($"+OK deaf {member}\n", await client.ApiAsync($"conference {conference} deaf {member}"));
        Assert.Equal($"+OK undeaf {member}\n", await client.ApiAsync($"conference {conference} undeaf {member}"));
        Assert.Equal($"-ERR Non-Existant ID {absent}\n", await client.ApiAsync($"conference {conference} unmute {absent}"));
        Assert.Equal($"-ERR Conference {conference}-none not found\n", await client.ApiAsync($"conference {conference}-none list"));
        Assert.Equal($"+OK kicked {member}\n", await client.ApiAsync($"conference {conference} kick uuid={memberUuid}"));
    }

    private static string NewName() => "sbconf-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Transfers a parked leg into a conference with an inline dialplan and waits until it has the floor.</summary>
    private static async Task<int> JoinAsync(EslTestClient client, EslTestClient events, string uuid, string inline)
    {
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_transfer {uuid} {inline} inline"));
        var add = await events.WaitForEventAsync(x => x["Action"] == "add-member" && x["Unique-ID"] == uuid);
        var id = MemberId(add);
        await events.WaitForEventAsync(x => x["Action"] == "floor-change" && x["New-ID"] == add["Member-ID"]);
        return id;
    }

    private static int MemberId(EslEvent add) => int.Parse(add["Member-ID"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The flags field of the member line of <paramref name="uuid"/> in <c>conference NAME list</c>.</summary>
    private static string MemberFlags(string list, string uuid)
    {
        var line = list.Split('\n').Single(l => l.Split(';') is { Length: 9 } f && f[2] == uuid);
        return line.Split(';')[5];
    }
}
