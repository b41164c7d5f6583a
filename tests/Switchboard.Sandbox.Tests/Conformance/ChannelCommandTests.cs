using System.Text.Json;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

/// <summary>The <c>uuid_*</c> commands: replies, usage errors and their effect on a parked loopback leg.</summary>
public sealed class ChannelCommandTests(PbxTarget target) : ConformanceTest(target)
{
    private static readonly string[] ChannelColumns =
    [
        "uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr", "dest",
        "application", "application_data", "dialplan", "context", "read_codec", "read_rate", "read_bit_rate",
        "write_codec", "write_rate", "write_bit_rate", "secure", "hostname", "presence_id", "presence_data",
        "accountcode", "callstate", "callee_name", "callee_num", "callee_direction", "call_uuid", "sent_callee_name",
        "sent_callee_num", "initial_cid_name", "initial_cid_num", "initial_ip_addr", "initial_dest",
        "initial_dialplan", "initial_context",
    ];

    [Fact]
    public async Task Commands_on_an_unknown_uuid_reply_as_freeswitch_does()
    {
        var client = await ConnectAsync();
        var x = Guid.NewGuid().ToString();

        Assert.Equal("false", await client.ApiAsync($"uuid_exists {x}"));
        Assert.Equal("-ERR No such channel!\n", await client.ApiAsync($"uuid_kill {x}"));
        Assert.Equal("-ERR No such channel!\n", await client.ApiAsync($"uuid_break {x} all"));
        Assert.Equal("-ERR No such channel!\n", await client.ApiAsync($"uuid_getvar {x} foo"));
        Assert.Equal("-ERR No such channel!\n", await client.ApiAsync($"uuid_setvar {x} foo bar"));
        Assert.Equal("-ERR No such channel!\n", await client.ApiAsync($"uuid_transfer {x} 7441 XML default"));
        Assert.Equal("-ERR invalid uuid\n", await client.ApiAsync($"uuid_broadcast {x} tone_stream://%(100,0,440) aleg"));
        Assert.Equal("-ERR Cannot locate session!\n", await client.ApiAsync($"uuid_record {x} start /tmp/{x}.wav"));
        Assert.Equal("-ERR Invalid uuid\n", await client.ApiAsync($"uuid_bridge {x} {Guid.NewGuid()}"));
        Assert.Equal("-ERR Operation Failed\n", await client.ApiAsync($"uuid_audio_stream {x} start ws://127.0.0.1:9/stream mono 8k"));
        // switch_ivr_hold_uuid reports success when the session does not exist.
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold {x}"));
    }

    [Fact]
    public async Task Commands_without_their_arguments_print_usage()
    {
        var client = await ConnectAsync();
        var x = Guid.NewGuid().ToString();

        Assert.Equal("-USAGE: <uuid> [cause]\n", await client.ApiAsync("uuid_kill"));
        Assert.Equal("-USAGE: [off|toggle] <uuid> [<display>]\n-ERR Operation failed\n", await client.ApiAsync("uuid_hold"));
        Assert.Equal("-USAGE: <uuid> [all]\n", await client.ApiAsync("uuid_break"));
        Assert.Equal("-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n", await client.ApiAsync($"uuid_broadcast {x}"));
        Assert.Equal("-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n", await client.ApiAsync($"uuid_transfer {x}"));
        Assert.Equal("-USAGE: <uuid> <var> [value]\n", await client.ApiAsync($"uuid_setvar {x}"));
        Assert.Equal("-USAGE: <uuid> <var>\n", await client.ApiAsync($"uuid_getvar {x}"));
        Assert.Equal("-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n", await client.ApiAsync($"uuid_record {x} start"));
        Assert.Equal("-USAGE: <uuid> <other_uuid>\n", await client.ApiAsync($"uuid_bridge {x}"));
        Assert.Equal("-USAGE: <uuid> [start | stop | send_text | pause | resume | graceful-shutdown ] [wss-url | path] [mono | mixed | stereo] [8000 | 16000] [metadata]\n",
            await client.ApiAsync($"uuid_audio_stream {x} start ws://127.0.0.1/x"));
    }

    [Fact]
    public async Task Variables_round_trip_and_an_unset_variable_reads_undef()
    {
        var client = await ConnectAsync();
        var uuid = await ParkAsync(client);

        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_setvar {uuid} switchboard_test hello"));
        Assert.Equal("hello", await client.ApiAsync($"uuid_getvar {uuid} switchboard_test"));
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_setvar {uuid} switchboard_test"));
        Assert.Equal("_undef_", await client.ApiAsync($"uuid_getvar {uuid} switchboard_test"));
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_setvar_multi {uuid} switchboard_a=1;switchboard_b=two"));
        Assert.Equal("two", await client.ApiAsync($"uuid_getvar {uuid} switchboard_b"));
    }

    [Fact]
    public async Task Hold_on_a_loopback_leg_succeeds_but_it_can_never_be_unheld()
    {
        var client = await ConnectAsync();
        var uuid = await ParkAsync(client);

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold {uuid}"));
        Assert.Equal("-ERR Operation failed\n", await client.ApiAsync($"uuid_hold off {uuid}"));
    }

    [Fact]
    public async Task Broadcast_queues_a_playback_and_break_all_stops_it()
    {
        var events = await ListenAsync("PLAYBACK_START PLAYBACK_STOP");
        var client = await ConnectAsync();
        var uuid = await ParkAsync(client);
        await events.CommandAsync($"filter Unique-ID {uuid}");
        const string tone = "tone_stream://%(10000,0,440);loops=-1";

        Assert.Equal("+OK Message sent\n", await client.ApiAsync($"uuid_broadcast {uuid} {tone} aleg"));
        var start = await events.WaitForEventAsync("PLAYBACK_START", uuid);
        Assert.Equal(tone, start["Playback-File-Path"]);
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_break {uuid} all"));

        var stop = await events.WaitForEventAsync("PLAYBACK_STOP", uuid);
        Assert.Equal("break", stop["Playback-Status"]);
    }

    [Fact]
    public async Task Kill_ends_the_channel_with_the_given_cause_and_an_unknown_name_means_normal_clearing()
    {
        var events = await ListenAsync("CHANNEL_HANGUP_COMPLETE");
        var client = await ConnectAsync();
        var first = await ParkAsync(client);
        var second = await ParkAsync(client);

        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_kill {first} USER_BUSY"));
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_kill {second} NOT_A_CAUSE"));

        Assert.Equal("USER_BUSY", (await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", first))["Hangup-Cause"]);
        Assert.Equal("NORMAL_CLEARING", (await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", second))["Hangup-Cause"]);
    }

    [Fact]
    public async Task Bridge_joins_two_answered_legs_and_names_the_bridged_uuid()
    {
        var events = await ListenAsync("CHANNEL_BRIDGE");
        var client = await ConnectAsync();
        var a = await ParkAsync(client);
        var b = await ParkAsync(client);

        Assert.Equal($"+OK {b}\n", await client.ApiAsync($"uuid_bridge {a} {b}"));

        var bridge = await events.WaitForEventAsync(x => x.Name == "CHANNEL_BRIDGE" && (x["Unique-ID"] == a || x["Unique-ID"] == b));
        Assert.Equal(a, bridge["Bridge-A-Unique-ID"]);
        Assert.Equal(b, bridge["Bridge-B-Unique-ID"]);
    }

    [Fact]
    public async Task Show_channels_as_json_is_the_fixed_empty_text_or_rows_of_strings()
    {
        var events = await ListenAsync("CHANNEL_DESTROY");
        var client = await ConnectAsync();
        var existing = Uuids(await client.ApiAsync("show channels as json"));
        if (existing.Count > 0)
        {
            await client.ApiAsync("hupall");
            foreach (var uuid in existing)
            {
                await events.WaitForEventAsync("CHANNEL_DESTROY", uuid);
            }
        }

        Assert.Equal("{\"row_count\": 0}\n", await client.ApiAsync("show channels as json"));

        var parked = await ParkAsync(client);
        var json = await client.ApiAsync("show channels as json");
        using var document = JsonDocument.Parse(json);
        Assert.Equal(2, document.RootElement.GetProperty("row_count").GetInt32());
        var rows = document.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(ChannelColumns, row.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.All(row.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        });
        var leg = rows.Single(r => r.GetProperty("uuid").GetString() == parked);
        Assert.Equal("loopback/7441-a", leg.GetProperty("name").GetString());
        Assert.Equal("outbound", leg.GetProperty("direction").GetString());
        Assert.Equal("ACTIVE", leg.GetProperty("callstate").GetString());
        Assert.Equal("park", leg.GetProperty("application").GetString());
    }

    [Fact]
    public async Task Dump_as_json_is_one_object_of_strings_with_the_channel_data()
    {
        var client = await ConnectAsync();
        var uuid = await ParkAsync(client);

        using var dump = JsonDocument.Parse(await client.ApiAsync($"uuid_dump {uuid} json"));

        Assert.All(dump.RootElement.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("CHANNEL_DATA", dump.RootElement.GetProperty("Event-Name").GetString());
        Assert.Equal(uuid, dump.RootElement.GetProperty("Unique-ID").GetString());
        Assert.Equal("loopback/7441-a", dump.RootElement.GetProperty("Channel-Name").GetString());
        Assert.Equal(uuid, dump.RootElement.GetProperty("variable_uuid").GetString());
    }

    [Fact]
    public async Task Park_answer_and_hupall_reply_as_mod_commands_does()
    {
        var client = await ConnectAsync();
        var uuid = await ParkAsync(client);

        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_park {uuid}"));
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_answer {uuid}"));
        Assert.Equal("-ERROR\n", await client.ApiAsync($"uuid_answer {Guid.NewGuid()}"));
        Assert.Equal("-ERR No such channel!\n", await client.ApiAsync($"uuid_park {Guid.NewGuid()}"));
        Assert.Equal("+OK hangup all channels matching [switchboard_nobody]=[here] with cause: USER_BUSY\n",
            await client.ApiAsync("hupall USER_BUSY switchboard_nobody here"));
        Assert.Equal("true", await client.ApiAsync($"uuid_exists {uuid}"));
    }

    private static List<string> Uuids(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("rows", out var rows)
            ? rows.EnumerateArray().Select(r => r.GetProperty("uuid").GetString()!).ToList()
            : [];
    }
}
