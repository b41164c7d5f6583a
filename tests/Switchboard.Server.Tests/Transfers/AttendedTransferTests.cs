using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Execution;
using Xunit.Abstractions;

namespace Switchboard.Server.Tests.Transfers;

/// <summary>Attended transfers end to end: the executor drives the sandbox PBX over the real Event Socket, the
/// simulated phones answer, are busy, ring out or are not registered, and afterwards the PBX is looked at the way an
/// operator would (<c>show channels</c>, <c>conference list</c>).</summary>
public sealed class AttendedTransferTests : IClassFixture<TransferServer>, IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly TransferServer _server;
    private readonly ITestOutputHelper _output;

    public AttendedTransferTests(TransferServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _server.HangUpEverythingAsync();

    [Fact]
    public async Task An_answered_destination_is_bridged_with_the_caller_after_music_on_hold()
    {
        TransferDestination destination = await _server.AddDestinationAsync("2001", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(600) });
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        using EventSubscription callerEvents = _server.Esl.Subscribe(caller.CallUuid);

        TransferOutcome outcome = await _server.Executor.AttendedAsync(caller, destination, CancellationToken.None).WaitAsync(Limit);

        _output.WriteLine($"answered after 600 ms: bridged {outcome.Duration.TotalMilliseconds:F0} ms after the transfer started");
        Assert.Equal(TransferAttemptResult.Success, outcome.Result);
        Assert.Equal(1, outcome.Attempts);
        Assert.True(outcome.Duration >= TimeSpan.FromMilliseconds(550), $"answered after {outcome.Duration}");
        Assert.Null(outcome.HangupCause);
        string human = Assert.IsType<string>(outcome.HumanLegUuid);
        Assert.Equal((1, 0), (caller.Paused, caller.Resumed));

        // Bridged, with the caller's id presented to the human, and nothing else on the PBX.
        Assert.Equal(human, await _server.Esl.GetVarAsync(caller.CallUuid, "bridge_uuid", CancellationToken.None));
        Assert.Equal(caller.CallUuid, _server.Pbx.FindChannel(human)!.BridgedTo);
        Assert.Equal(caller.CallerNumber, _server.Pbx.FindChannel(human)!.CallerIdNumber);
        Assert.Equal("true", await _server.Esl.GetVarAsync(caller.CallUuid, "park_after_bridge", CancellationToken.None));
        Assert.Equal(
            new[] { caller.CallUuid, human }.Order(StringComparer.OrdinalIgnoreCase),
            (await _server.ChannelsAsync()).Keys.Order(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);

        // Music on hold was a broadcast on the caller's own leg, stopped before the bridge.
        List<EventSocketEvent> seen = await DrainUntilAsync(callerEvents, e => e.Name == "CHANNEL_BRIDGE");
        int start = seen.FindIndex(e => e.Name == "PLAYBACK_START" && e["Playback-File-Path"] == "local_stream://moh");
        int stop = seen.FindIndex(e => e.Name == "PLAYBACK_STOP" && e["Playback-File-Path"] == "local_stream://moh");
        Assert.True(start >= 0 && stop > start, "music on hold started and stopped: " + string.Join(", ", seen.Select(e => $"{e.Name} {e["Playback-File-Path"]}")));
        Assert.True(stop < seen.FindIndex(e => e.Name == "CHANNEL_BRIDGE"), "the music stopped before the bridge");

        TransferAttempt row = Assert.Single(await _server.AttemptsAsync(caller.CallUuid));
        Assert.Equal((TransferAttemptResult.Success, TransferMode.Attended, 1, human), (row.Result, row.Mode, row.AttemptNumber, row.BLegUuid));
        Assert.Equal(destination.Id, row.DestinationId);
        Assert.NotNull(row.EndedAt);
    }

    [Fact]
    public async Task A_busy_destination_gives_busy_with_sip_486_and_the_caller_back_in_park()
    {
        TransferDestination destination = await _server.AddDestinationAsync("2002", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        double before = await MetricAsync("busy");

        TransferOutcome outcome = await _server.Executor.AttendedAsync(caller, destination, CancellationToken.None).WaitAsync(Limit);

        _output.WriteLine($"busy: outcome {outcome.Duration.TotalMilliseconds:F0} ms after the transfer started");
        Assert.Equal(TransferAttemptResult.Busy, outcome.Result);
        Assert.Equal(("USER_BUSY", 486), (outcome.HangupCause, outcome.SipCode));
        Assert.Equal((1, 1), (caller.Paused, caller.Resumed));
        await _server.AssertCallerAloneInParkAsync(caller, null);
        TransferAttempt row = Assert.Single(await _server.AttemptsAsync(caller.CallUuid));
        Assert.Equal((TransferAttemptResult.Busy, "USER_BUSY", 486), (row.Result, row.HangupCause, row.SipCode));
        Assert.Equal(before + 1, await MetricAsync("busy"));
    }

    [Fact]
    public async Task A_destination_that_never_answers_gives_no_answer_after_its_ring_timeout()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "2003", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer }, d => d.RingTimeoutSeconds = 2);
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AttendedAsync(caller, destination, CancellationToken.None).WaitAsync(Limit);

        _output.WriteLine($"no answer, ring timeout 2 s: outcome after {outcome.Duration.TotalMilliseconds:F0} ms");
        Assert.Equal(TransferAttemptResult.NoAnswer, outcome.Result);
        Assert.Equal("NO_ANSWER", outcome.HangupCause);
        Assert.InRange(outcome.Duration, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
        await _server.AssertCallerAloneInParkAsync(caller, null);
        Assert.Equal(TransferAttemptResult.NoAnswer, Assert.Single(await _server.AttemptsAsync(caller.CallUuid)).Result);
    }

    [Fact]
    public async Task An_unregistered_phone_is_unavailable_at_once_and_not_retried()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "2004", new SimulatedExtension { Behaviour = ExtensionBehaviour.NotRegistered }, d => (d.MaxRetries, d.RetryDelaySeconds) = (2, 5));
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AttendedAsync(caller, destination, CancellationToken.None).WaitAsync(Limit);

        _output.WriteLine($"not registered: outcome after {outcome.Duration.TotalMilliseconds:F0} ms");
        Assert.Equal(TransferAttemptResult.Unavailable, outcome.Result);
        Assert.Equal("USER_NOT_REGISTERED", outcome.HangupCause);
        Assert.Equal(1, outcome.Attempts);
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(4), $"took {outcome.Duration}");
        await _server.AssertCallerAloneInParkAsync(caller, null);
        Assert.Single(await _server.AttemptsAsync(caller.CallUuid));
    }

    [Fact]
    public async Task A_busy_destination_is_retried_max_retries_times_after_its_retry_delay()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "2005", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy }, d => (d.MaxRetries, d.RetryDelaySeconds) = (2, 1));
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AttendedAsync(caller, destination, CancellationToken.None).WaitAsync(Limit);

        _output.WriteLine($"busy, 2 retries 1 s apart: outcome after {outcome.Duration.TotalMilliseconds:F0} ms");
        Assert.Equal(TransferAttemptResult.Busy, outcome.Result);
        Assert.Equal(3, outcome.Attempts);
        Assert.True(outcome.Duration >= TimeSpan.FromSeconds(1.9), $"took {outcome.Duration}");
        Assert.Equal((1, 1), (caller.Paused, caller.Resumed));
        List<TransferAttempt> rows = await _server.AttemptsAsync(caller.CallUuid);
        Assert.Equal([1, 2, 3], rows.Select(r => r.AttemptNumber));
        Assert.All(rows, r => Assert.Equal((TransferAttemptResult.Busy, 486), (r.Result!.Value, r.SipCode!.Value)));
        Assert.Equal(3, rows.Select(r => r.BLegUuid).Distinct().Count());
        for (int i = 1; i < rows.Count; i++)
        {
            TimeSpan gap = rows[i].StartedAt - rows[i - 1].EndedAt!.Value;
            Assert.True(gap >= TimeSpan.FromSeconds(0.95), $"retry {i} started {gap} after the previous attempt ended");
        }

        await _server.AssertCallerAloneInParkAsync(caller, null);
    }

    [Fact]
    public async Task An_external_number_without_a_gateway_fails_clearly_without_dialling()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "2006", new SimulatedExtension(), d => (d.DestinationType, d.DestinationNumber) = (TransferDestinationType.External, "5511999990000"));
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AttendedAsync(caller, destination, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(TransferAttemptResult.Failed, outcome.Result);
        Assert.Contains("Transfers:Gateways:", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, outcome.Attempts);
        Assert.Equal(1, caller.Resumed);
        await _server.AssertCallerAloneInParkAsync(caller, null);
        Assert.Equal(outcome.Error, Assert.Single(await _server.AttemptsAsync(caller.CallUuid)).Error);
    }

    [Fact]
    public async Task A_caller_hanging_up_while_the_destination_rings_ends_the_ringing_leg()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "2007", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer }, d => d.RingTimeoutSeconds = 30);
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        Task<TransferOutcome> transfer = _server.Executor.AttendedAsync(caller, destination, CancellationToken.None);
        await Wait.UntilAsync(() => _server.Pbx.Channels.Count == 2);
        await _server.Pbx.FindChannel(caller.CallUuid)!.HangupAsync();
        TransferOutcome outcome = await transfer.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(TransferAttemptResult.Failed, outcome.Result);
        Assert.True(outcome.CallerHungUp);
        Assert.Equal(0, caller.Resumed);
        await Wait.UntilAsync(async () => (await _server.ChannelsAsync()).Count == 0);
    }

    [Fact]
    public async Task A_ring_group_is_dialled_through_loopback_in_the_tenant_context_and_bridged()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "9100", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(200) }, d => (d.DestinationType, d.DestinationContext) = (TransferDestinationType.RingGroup, "default"));
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AttendedAsync(caller, destination, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(TransferAttemptResult.Success, outcome.Result);
        SandboxChannel group = _server.Pbx.FindChannel(outcome.HumanLegUuid!)!;
        Assert.Equal("loopback/9100-a", group.Name);

        // uuid_bridge answers +OK before the channels' threads join the legs, as FreeSWITCH's does.
        await Wait.UntilAsync(() => group.BridgedTo == caller.CallUuid);
    }

    [Fact]
    public async Task An_event_socket_drop_while_the_destination_rings_ends_the_leg_and_the_music()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "2008", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer }, d => d.RingTimeoutSeconds = 30);
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        using EventSubscription callerEvents = _server.Esl.Subscribe(caller.CallUuid);

        Task<TransferOutcome> transfer = _server.Executor.AttendedAsync(caller, destination, CancellationToken.None);
        await Wait.UntilAsync(() => _server.Pbx.Channels.Count == 2);
        Assert.True(_server.Pbx.DropEventSocketConnections() >= 1);
        TransferOutcome outcome = await transfer.WaitAsync(TimeSpan.FromSeconds(30));

        _output.WriteLine($"event socket dropped while ringing: outcome after {outcome.Duration.TotalMilliseconds:F0} ms ({outcome.Error})");
        Assert.Equal(TransferAttemptResult.Failed, outcome.Result);
        Assert.NotNull(outcome.Error);
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(25), $"took {outcome.Duration}");
        Assert.Equal(1, caller.Resumed);
        await _server.AssertCallerAloneInParkAsync(caller, null);
        await DrainUntilAsync(callerEvents, e => e.Name == "PLAYBACK_STOP" && e["Playback-File-Path"] == "local_stream://moh");
        Assert.Equal(TransferAttemptResult.Failed, Assert.Single(await _server.AttemptsAsync(caller.CallUuid)).Result);
    }

    [Fact]
    public async Task A_cancelled_transfer_hangs_up_the_ringing_leg_stops_the_music_and_closes_its_attempt()
    {
        TransferDestination destination = await _server.AddDestinationAsync(
            "2009", new SimulatedExtension { Behaviour = ExtensionBehaviour.NoAnswer }, d => d.RingTimeoutSeconds = 30);
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        using var cancel = new CancellationTokenSource();

        Task<TransferOutcome> transfer = _server.Executor.AttendedAsync(caller, destination, cancel.Token);
        await Wait.UntilAsync(() => _server.Pbx.Channels.Count == 2);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transfer.WaitAsync(TimeSpan.FromSeconds(15)));
        await _server.AssertCallerAloneInParkAsync(caller, null);
        TransferAttempt row = Assert.Single(await _server.AttemptsAsync(caller.CallUuid));
        Assert.Equal(TransferAttemptResult.Failed, row.Result);
        Assert.NotNull(row.EndedAt);
    }

    private static async Task<List<EventSocketEvent>> DrainUntilAsync(EventSubscription events, Func<EventSocketEvent, bool> last)
    {
        var seen = new List<EventSocketEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (EventSocketEvent e in events.Reader.ReadAllAsync(timeout.Token))
        {
            seen.Add(e);
            if (last(e))
            {
                break;
            }
        }

        return seen;
    }

    private async Task<double> MetricAsync(string result)
    {
        using HttpClient http = _server.CreateClient();
        PrometheusExposition exposition = PrometheusTextParser.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        return exposition.Samples.Any(s => s.Name == "switchboard_transfers_total" && s.HasLabels(("result", result)))
            ? exposition.Value("switchboard_transfers_total", ("result", result))
            : 0;
    }
}
