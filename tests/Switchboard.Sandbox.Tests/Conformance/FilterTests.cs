using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

public sealed class FilterTests(PbxTarget target) : ConformanceTest(target)
{
    [Fact]
    public async Task Filter_commands_reply_with_the_header_and_value()
    {
        var client = await ConnectAsync();
        var uuid = Guid.NewGuid().ToString();

        Assert.Equal($"+OK filter added. [Unique-ID]=[{uuid}]", (await client.CommandAsync($"filter Unique-ID {uuid}")).ReplyText);
        Assert.Equal("+OK filter added. [Event-Name]=[BACKGROUND_JOB]", (await client.CommandAsync("filter Event-Name BACKGROUND_JOB")).ReplyText);
        Assert.Equal("+OK filter deleted. [Event-Name][BACKGROUND_JOB]", (await client.CommandAsync("filter delete Event-Name BACKGROUND_JOB")).ReplyText);
        Assert.Equal("+OK filter deleted. [all][]", (await client.CommandAsync("filter delete all")).ReplyText);
        Assert.Equal("-ERR invalid syntax", (await client.CommandAsync("filter Unique-ID")).ReplyText);
        Assert.Equal("-ERR invalid syntax", (await client.CommandAsync("filter delete")).ReplyText);
    }

    [Fact]
    public async Task Unique_id_filter_hides_background_jobs_until_an_event_name_filter_lets_them_through()
    {
        var jobs = await ListenAsync("BACKGROUND_JOB");
        var client = await ListenAsync("CHANNEL_CREATE CHANNEL_ANSWER BACKGROUND_JOB");
        var uuid = Track(Guid.NewGuid().ToString());
        Assert.Equal($"+OK filter added. [Unique-ID]=[{uuid}]", (await client.CommandAsync($"filter Unique-ID {uuid}")).ReplyText);
        var first = Guid.NewGuid().ToString();

        await client.CommandAsync($"bgapi originate {{origination_uuid={uuid}}}loopback/7441 &park()", ("Job-UUID", first));
        await jobs.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB" && x["Job-UUID"] == first);
        await client.WaitForEventAsync("CHANNEL_ANSWER", uuid);
        Assert.Equal("+OK filter added. [Event-Name]=[BACKGROUND_JOB]", (await client.CommandAsync("filter Event-Name BACKGROUND_JOB")).ReplyText);
        var second = Guid.NewGuid().ToString();
        await client.CommandAsync($"bgapi uuid_exists {uuid}", ("Job-UUID", second));

        var job = await client.WaitForEventAsync(x => x.Name == "BACKGROUND_JOB");
        Assert.Equal(second, job["Job-UUID"]);
        Assert.Equal("true", job.Body);
        Assert.All(client.AllEvents.Where(x => x.Name != "BACKGROUND_JOB"), x => Assert.Equal(uuid, x["Unique-ID"]));
    }

    [Fact]
    public async Task Negative_filter_drops_the_events_it_matches()
    {
        var client = await ListenAsync("CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_PARK", "plain");
        var uuid = Guid.NewGuid().ToString();
        await client.CommandAsync($"filter Unique-ID {uuid}");
        Assert.Equal("+OK filter added. [Event-Name]=[-CHANNEL_ANSWER]", (await client.CommandAsync("filter Event-Name -CHANNEL_ANSWER")).ReplyText);
        var other = await ConnectAsync();

        await ParkAsync(other, uuid: uuid);

        await client.WaitForEventAsync("CHANNEL_PARK", uuid);
        Assert.Contains(client.AllEvents, x => x.Name == "CHANNEL_CREATE");
        Assert.DoesNotContain(client.AllEvents, x => x.Name == "CHANNEL_ANSWER");
    }
}
