using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.EventSocket;

public sealed class MyEventsTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Myevents_delivers_only_the_bound_channels_events_in_json()
    {
        await using var watcher = await _bed.ListenAsync("CHANNEL_PARK");
        await using var client = await _bed.ConnectAsync();
        var mine = await _bed.CallAsync(callerId: "5551001");
        await watcher.WaitForEventAsync("CHANNEL_PARK", mine.Uuid);

        Assert.Equal("+OK Events Enabled", (await client.CommandAsync($"myevents {mine.Uuid} json")).ReplyText);
        Assert.Equal("-ERR aready enabled.", (await client.CommandAsync($"myevents {mine.Uuid} json")).ReplyText);
        var other = await _bed.CallAsync(callerId: "5551002");
        await watcher.WaitForEventAsync("CHANNEL_PARK", other.Uuid);
        mine.SendDtmf('7');

        var dtmf = await client.WaitForEventAsync("DTMF");
        Assert.Equal(mine.Uuid, dtmf["Unique-ID"]);
        Assert.Equal("text/event-json", dtmf.Frame.ContentType);
        Assert.All(client.AllEvents, e => Assert.Equal(mine.Uuid, e["Unique-ID"]));
    }

    [Fact]
    public async Task Myevents_with_a_format_and_an_unknown_uuid_is_refused()
    {
        await using var client = await _bed.ConnectAsync();

        Assert.Equal("-ERR invalid uuid", (await client.CommandAsync($"myevents {Guid.NewGuid()} plain")).ReplyText);
    }
}
