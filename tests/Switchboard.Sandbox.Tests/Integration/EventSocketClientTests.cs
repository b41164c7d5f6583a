using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Integration;

/// <summary>The product's own Event Socket client (Switchboard.Protocols) against the sandbox, over a real socket.</summary>
public sealed class EventSocketClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private SandboxTestBed _bed = null!;
    private EventSocketClient _client = null!;

    public async Task InitializeAsync()
    {
        _bed = await SandboxTestBed.StartAsync();
        _client = new EventSocketClient(new EventSocketOptions
        {
            Port = _bed.Pbx.EslEndPoint.Port,
            HeartbeatTimeout = TimeSpan.FromSeconds(60),
        });
        await _client.StartAsync(CancellationToken.None);
        await _client.WaitConnectedAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Client_originates_to_a_simulated_phone_and_follows_its_events()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1001", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(50) });
        var uuid = Guid.NewGuid().ToString();
        using var events = _client.Subscribe(uuid);

        var result = await _client.OriginateAsync(new OriginateRequest { DialString = $"user/1001@{SandboxTestBed.Domain}", Uuid = uuid, TimeoutSeconds = 10 }, CancellationToken.None);

        Assert.True(result.Answered, result.RawReply);
        Assert.Equal(uuid, result.Uuid);
        Assert.True(await _client.ExistsAsync(uuid, CancellationToken.None));
        await NextAsync(events, "CHANNEL_ANSWER");
        await NextAsync(events, "CHANNEL_PARK");
        await _client.KillAsync(uuid, null, CancellationToken.None);
        var complete = await NextAsync(events, "CHANNEL_HANGUP_COMPLETE");
        Assert.Equal("NORMAL_CLEARING", complete["Hangup-Cause"]);
    }

    [Fact]
    public async Task Client_sees_busy_as_a_failed_originate_with_its_cause()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1002", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });

        var result = await _client.OriginateAsync(new OriginateRequest { DialString = $"user/1002@{SandboxTestBed.Domain}" }, CancellationToken.None);

        Assert.False(result.Answered);
        Assert.Equal("-ERR USER_BUSY", result.RawReply.Trim());
    }

    [Fact]
    public async Task Client_moves_a_parked_caller_into_a_conference_and_back_to_park_after_a_kick()
    {
        var caller = await _bed.CallAsync();
        using var events = _client.Subscribe(caller.Uuid);
        await NextAsync(events, "CHANNEL_PARK");
        var conference = "room-" + Guid.NewGuid().ToString("N")[..8];

        await _client.ConferenceTransferAsync(caller.Uuid, conference, ["mute", "moderator"], CancellationToken.None);

        var add = await NextAsync(events, "CUSTOM", e => e["Action"] == "add-member");
        Assert.Equal("moderator", add["Member-Type"]);
        var list = await _client.ApiAsync($"conference {conference} list", CancellationToken.None);
        Assert.Contains(";hear|floor|moderator;", list, StringComparison.Ordinal);
        Assert.Equal($"+OK kicked {add["Member-ID"]}\n", await _client.ApiAsync($"conference {conference} kick {add["Member-ID"]}", CancellationToken.None));
        await NextAsync(events, "CHANNEL_PARK");
        Assert.True(await _client.ExistsAsync(caller.Uuid, CancellationToken.None));
    }

    private static async Task<EventSocketEvent> NextAsync(EventSubscription events, string name, Func<EventSocketEvent, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var e = await events.Reader.ReadAsync(timeout.Token);
            if (e.Name == name && (match is null || match(e)))
            {
                return e;
            }
        }
    }
}
