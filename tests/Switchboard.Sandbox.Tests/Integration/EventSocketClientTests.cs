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
    public async Task A_connection_dropped_mid_command_fails_that_command_and_the_client_reconnects_and_resubscribes()
    {
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1003", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer });
        long reconnects = _client.ReconnectCount;

        // A blocking api originate holds the FreeSWITCH connection (freeswitch.md §1.4) until the drop.
        Task<string> pending = _client.ApiAsync($"originate {{originate_timeout=30}}user/1003@{SandboxTestBed.Domain} &park()", CancellationToken.None);
        await _bed.Pbx.WaitForChannelAsync(c => c.DestinationNumber == "1003").WaitAsync(Timeout);
        Assert.True(_bed.Pbx.DropEventSocketConnections() >= 1);

        var failure = await Record.ExceptionAsync(() => pending.WaitAsync(Timeout));
        Assert.True(failure is EventSocketDisconnectedException, pending.IsCompletedSuccessfully ? await pending : failure?.ToString());
        using var deadline = new CancellationTokenSource(Timeout);
        while (_client.ReconnectCount == reconnects || _client.State != EventSocketState.Connected)
        {
            await Task.Delay(5, deadline.Token);
        }

        // Replies line up again and events flow on the new connection (subscriptions were re-sent).
        Assert.Equal("false", await _client.ApiAsync("uuid_exists 00000000-0000-0000-0000-000000000000", CancellationToken.None));
        var uuid = Guid.NewGuid().ToString();
        using var events = _client.Subscribe(uuid);
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1004", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(20) });
        var answered = await _client.OriginateAsync(new OriginateRequest { DialString = $"user/1004@{SandboxTestBed.Domain}", Uuid = uuid, TimeoutSeconds = 10 }, CancellationToken.None);
        Assert.True(answered.Answered, answered.RawReply);
        await NextAsync(events, "CHANNEL_ANSWER");
        await _client.KillAsync(uuid, null, CancellationToken.None);
    }

    [Fact]
    public async Task A_command_that_times_out_does_not_take_the_next_commands_reply()
    {
        await using var impatient = new EventSocketClient(new EventSocketOptions
        {
            Port = _bed.Pbx.EslEndPoint.Port,
            CommandTimeout = TimeSpan.FromMilliseconds(300),
        });
        await impatient.StartAsync(CancellationToken.None);

        // The sandbox answers this originate only when its 2 s timeout expires: long after our 300 ms.
        _bed.Pbx.ConfigureExtension(SandboxTestBed.Domain, "1005", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer });
        await Assert.ThrowsAsync<TimeoutException>(() =>
            impatient.ApiAsync($"originate {{originate_timeout=2}}user/1005@{SandboxTestBed.Domain} &park()", CancellationToken.None));

        // The late "-ERR NO_ANSWER" is consumed for the timed-out command; the next command gets its own reply.
        using var generous = new CancellationTokenSource(Timeout);
        string next = await RetryOnTimeoutAsync(() => impatient.ApiAsync("uuid_exists 00000000-0000-0000-0000-000000000000", generous.Token));
        Assert.Equal("false", next);
    }

    private static async Task<string> RetryOnTimeoutAsync(Func<Task<string>> command)
    {
        // Until the blocked originate returns, FreeSWITCH reads no further command on this connection.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await command();
            }
            catch (TimeoutException) when (attempt < 20)
            {
            }
        }
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
