using System.Text;
using System.Text.Json;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

public sealed class EventFrameTests(PbxTarget target) : ConformanceTest(target)
{
    [Fact]
    public async Task Event_command_without_event_names_is_refused()
    {
        var client = await ConnectAsync();

        Assert.Equal("-ERR no keywords supplied", (await client.CommandAsync("event json")).ReplyText);
        Assert.Equal("-ERR no keywords supplied", (await client.CommandAsync("event")).ReplyText);
        Assert.Equal("-ERR no keywords supplied", (await client.CommandAsync("event plain NOT_AN_EVENT")).ReplyText);
    }

    [Fact]
    public async Task Event_subscription_reply_names_the_format_in_use()
    {
        var client = await ConnectAsync();

        Assert.Equal("+OK event listener enabled plain", (await client.CommandAsync("event plain CHANNEL_CREATE")).ReplyText);
        Assert.Equal("+OK event listener enabled json", (await client.CommandAsync("event json CHANNEL_ANSWER")).ReplyText);
        Assert.Equal("+OK event listener enabled json", (await client.CommandAsync("event CHANNEL_PARK")).ReplyText);
    }

    [Fact]
    public async Task Nixevent_and_noevents_reply_as_freeswitch_does()
    {
        var client = await ConnectAsync();

        Assert.Equal("-ERR not listening for events", (await client.CommandAsync("noevents")).ReplyText);
        Assert.Equal("-ERR no keywords supplied", (await client.CommandAsync("nixevent")).ReplyText);
        await client.CommandAsync("event plain CHANNEL_CREATE CHANNEL_ANSWER");
        Assert.Equal("+OK events nixed", (await client.CommandAsync("nixevent CHANNEL_CREATE")).ReplyText);
        Assert.Equal("+OK no longer listening for events", (await client.CommandAsync("noevents")).ReplyText);
    }

    [Fact]
    public async Task Json_event_frame_has_length_then_type_no_trailing_newline_and_only_string_values()
    {
        var client = await ListenAsync("BACKGROUND_JOB");
        var job = Guid.NewGuid().ToString();

        await client.CommandAsync($"bgapi uuid_exists {Guid.NewGuid()}", ("Job-UUID", job));

        var e = await client.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == job);
        var frame = e.Frame;
        Assert.Equal($"Content-Length: {frame.Body.Length}\nContent-Type: text/event-json\n\n", Encoding.UTF8.GetString(frame.HeaderBytes));
        Assert.Equal((byte)'}', frame.Body[^1]);
        using var json = JsonDocument.Parse(frame.Body);
        var properties = json.RootElement.EnumerateObject().ToList();
        Assert.All(properties, p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("Event-Name", properties[0].Name);
        Assert.Equal("_body", properties[^1].Name);
        Assert.Equal("Content-Length", properties[^2].Name);
        Assert.Equal("5", properties[^2].Value.GetString());
        Assert.Equal("false", properties[^1].Value.GetString());
        foreach (var name in new[] { "Core-UUID", "FreeSWITCH-Hostname", "FreeSWITCH-Switchname", "FreeSWITCH-IPv4", "Event-Date-Local", "Event-Date-GMT", "Event-Calling-File", "Event-Calling-Function" })
        {
            Assert.False(string.IsNullOrEmpty(e[name]), name);
        }

        Assert.True(long.TryParse(e["Event-Date-Timestamp"], out var micros) && micros > 1_600_000_000_000_000);
        Assert.True(long.TryParse(e["Event-Sequence"], out _));
    }

    [Fact]
    public async Task Channel_events_carry_the_channel_data_in_order_and_the_hangup_cause_at_the_end()
    {
        var events = await ListenAsync("CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_PARK CHANNEL_HANGUP_COMPLETE");
        var client = await ConnectAsync();

        var uuid = await ParkAsync(client);

        var create = await events.WaitForEventAsync("CHANNEL_CREATE", uuid);
        var answer = await events.WaitForEventAsync("CHANNEL_ANSWER", uuid);
        var park = await events.WaitForEventAsync("CHANNEL_PARK", uuid);
        Assert.True(Sequence(create) < Sequence(answer) && Sequence(answer) < Sequence(park));
        Assert.Equal("loopback/7441-a", answer["Channel-Name"]);
        Assert.Equal("outbound", answer["Call-Direction"]);
        Assert.Equal("answered", answer["Answer-State"]);
        Assert.Equal("ACTIVE", answer["Channel-Call-State"]);
        Assert.Equal(uuid, answer["Caller-Unique-ID"]);
        Assert.Contains(answer.Headers, h => h.Key.StartsWith("variable_", StringComparison.Ordinal));

        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_kill {uuid}"));
        var complete = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", uuid);
        Assert.Equal("NORMAL_CLEARING", complete["Hangup-Cause"]);
        Assert.Equal("NORMAL_CLEARING", complete["variable_hangup_cause"]);
        Assert.Equal("hangup", complete["Answer-State"]);
    }

    [Fact]
    public async Task Every_token_after_CUSTOM_is_a_subclass_so_event_names_placed_after_it_are_not_subscribed()
    {
        var gotcha = await ConnectAsync();
        Assert.Equal("+OK event listener enabled plain", (await gotcha.CommandAsync("event plain CUSTOM conference::maintenance BACKGROUND_JOB")).ReplyText);
        Assert.Equal("+OK event listener enabled plain", (await gotcha.CommandAsync("event plain CHANNEL_CREATE")).ReplyText);
        var witness = await ListenAsync("BACKGROUND_JOB");
        var job = Guid.NewGuid().ToString();

        await witness.CommandAsync($"bgapi uuid_exists {Guid.NewGuid()}", ("Job-UUID", job));
        await witness.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == job);
        var uuid = await ParkAsync(witness);

        // Events reach a connection in firing order: the later CHANNEL_CREATE arrives, the earlier job never does.
        await gotcha.WaitForEventAsync("CHANNEL_CREATE", uuid);
        Assert.DoesNotContain(gotcha.AllEvents, x => x.Name == "BACKGROUND_JOB");
    }

    private static long Sequence(EslEvent e) => long.Parse(e["Event-Sequence"]!, System.Globalization.CultureInfo.InvariantCulture);
}
