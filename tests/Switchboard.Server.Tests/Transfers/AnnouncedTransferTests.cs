using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Execution;
using Xunit.Abstractions;

namespace Switchboard.Server.Tests.Transfers;

/// <summary>Announced transfers end to end through a temporary conference on the sandbox PBX: the simulated human
/// answers and presses 1 or 2 (the built-in DTMF announcer), says nothing, or hangs up; the Event Socket drops in the
/// middle. Afterwards the caller is talking in the conference, or alone in park with no conference and no stray leg.</summary>
public sealed class AnnouncedTransferTests : IClassFixture<TransferServer>, IAsyncLifetime
{
    private const string Reason = "Segunda via do boleto de março";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly TransferServer _server;
    private readonly ITestOutputHelper _output;

    public AnnouncedTransferTests(TransferServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _server.HangUpEverythingAsync();

    [Fact]
    public async Task An_accepted_announcement_unmutes_the_caller_in_the_conference_with_the_human()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3001", Human(AnnouncementResponse.Accepts));
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None).WaitAsync(Limit);

        _output.WriteLine($"answer after 300 ms, key 1 after 1.5 s: caller unmuted {outcome.Duration.TotalMilliseconds:F0} ms after the transfer started");
        Assert.Equal(TransferAttemptResult.Success, outcome.Result);
        Assert.Equal(AnnouncementDecision.Accepted, outcome.Decision);
        Assert.Equal((1, 0), (caller.Paused, caller.Resumed));
        string conference = Assert.IsType<string>(outcome.ConferenceName);
        Assert.Matches($"^transfer_{caller.CallUuid.Replace("-", "", StringComparison.Ordinal)[..8]}_[0-9]{{10}}$", conference);
        string human = Assert.IsType<string>(outcome.HumanLegUuid);

        IReadOnlyList<ConferenceMember> members = await _server.Esl.ConferenceListAsync(conference, CancellationToken.None);
        Assert.Equal(2, members.Count);
        ConferenceMember callerMember = Assert.Single(members, m => m.Uuid == caller.CallUuid);
        Assert.True(callerMember.CanSpeak && callerMember.CanHear && callerMember.IsModerator, string.Join('|', callerMember.Flags));
        Assert.True(Assert.Single(members, m => m.Uuid == human).CanSpeak);
        Assert.Equal(caller.CallerNumber, _server.Pbx.FindChannel(human)!.CallerIdNumber);
        Assert.Equal("none", _server.Pbx.FindChannel(human)!.GetVariable("conference_controls"));
        Dictionary<string, string> channels = await _server.ChannelsAsync();
        Assert.Equal(2, channels.Count);
        Assert.Equal("conference", channels[caller.CallUuid]);
        Assert.Equal("conference", channels[human]);

        TransferAttempt row = Assert.Single(await _server.AttemptsAsync(caller.CallUuid));
        Assert.Equal((TransferAttemptResult.Success, TransferMode.Announced, conference, human), (row.Result!.Value, row.Mode, row.ConferenceName, row.BLegUuid));
    }

    [Fact]
    public async Task After_an_accepted_announcement_the_human_hanging_up_ends_the_call_instead_of_leaving_the_caller_alone()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3011", Human(AnnouncementResponse.Accepts));
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        TransferOutcome outcome = await _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(TransferAttemptResult.Success, outcome.Result);
        SandboxChannel callerChannel = _server.Pbx.FindChannel(caller.CallUuid)!;

        await _server.Pbx.FindChannel(outcome.HumanLegUuid!)!.HangupAsync();

        Assert.Equal("NORMAL_CLEARING", await callerChannel.WaitForHangupAsync().WaitAsync(Limit));
        await Wait.UntilAsync(async () => (await _server.ChannelsAsync()).Count == 0);
        Assert.Empty(await _server.Esl.ConferenceListAsync(outcome.ConferenceName!, CancellationToken.None));
    }

    [Fact]
    public async Task After_an_accepted_announcement_the_caller_hanging_up_hangs_up_the_human()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3012", Human(AnnouncementResponse.Accepts));
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        TransferOutcome outcome = await _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(TransferAttemptResult.Success, outcome.Result);
        SandboxChannel human = _server.Pbx.FindChannel(outcome.HumanLegUuid!)!;

        await _server.Pbx.FindChannel(caller.CallUuid)!.HangupAsync();

        Assert.Equal("NORMAL_CLEARING", await human.WaitForHangupAsync().WaitAsync(Limit));
        await Wait.UntilAsync(async () => (await _server.ChannelsAsync()).Count == 0);
        Assert.Empty(await _server.Esl.ConferenceListAsync(outcome.ConferenceName!, CancellationToken.None));
    }

    [Fact]
    public async Task A_refused_announcement_hangs_up_the_human_and_parks_the_caller()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3002", Human(AnnouncementResponse.Refuses));
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        using EventSubscription events = _server.Esl.Subscribe();

        TransferOutcome outcome = await _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None).WaitAsync(Limit);

        // The announcement was played on the human's leg only, and the human's key press was its DTMF event.
        var seen = new List<EventSocketEvent>();
        while (events.Reader.TryRead(out EventSocketEvent? e))
        {
            seen.Add(e);
        }

        string announcement = new TransferExecutionOptions().AnnouncementSound;
        Assert.Contains(seen, e => e.Name == "PLAYBACK_START" && e.UniqueId == outcome.HumanLegUuid && e["Playback-File-Path"] == announcement);
        Assert.DoesNotContain(seen, e => e.Name == "PLAYBACK_START" && e.UniqueId == caller.CallUuid);
        Assert.Contains(seen, e => e.Name == "DTMF" && e.UniqueId == outcome.HumanLegUuid && e["DTMF-Digit"] == "2");

        _output.WriteLine($"answer after 300 ms, key 2 after 1.5 s: caller back in park {outcome.Duration.TotalMilliseconds:F0} ms after the transfer started");
        Assert.Equal(TransferAttemptResult.Rejected, outcome.Result);
        Assert.Equal(AnnouncementDecisionKind.Refused, outcome.Decision!.Kind);
        Assert.Equal((1, 1), (caller.Paused, caller.Resumed));
        await _server.AssertCallerAloneInParkAsync(caller, outcome.ConferenceName);
        TransferAttempt row = Assert.Single(await _server.AttemptsAsync(caller.CallUuid));
        Assert.Equal((TransferAttemptResult.Rejected, outcome.ConferenceName), (row.Result!.Value, row.ConferenceName));
    }

    [Fact]
    public async Task A_silent_human_times_out_after_the_announce_timeout()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3003", Human(AnnouncementResponse.Silent), d => d.AnnounceTimeoutSeconds = 2);
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(TransferAttemptResult.NoAnswer, outcome.Result);
        Assert.Equal(AnnouncementDecision.TimedOut, outcome.Decision);
        Assert.InRange(outcome.Duration, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(12));
        Assert.Equal(1, caller.Resumed);
        await _server.AssertCallerAloneInParkAsync(caller, outcome.ConferenceName);
    }

    [Fact]
    public async Task A_human_hanging_up_during_the_announcement_parks_the_caller()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3004", Human(AnnouncementResponse.HangsUp));
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(TransferAttemptResult.Rejected, outcome.Result);
        Assert.Equal(AnnouncementDecision.HumanHungUp, outcome.Decision);
        Assert.Equal(1, caller.Resumed);
        await _server.AssertCallerAloneInParkAsync(caller, outcome.ConferenceName);
    }

    [Fact]
    public async Task A_busy_human_leaves_no_conference_behind()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3005", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        TransferOutcome outcome = await _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None).WaitAsync(Limit);

        Assert.Equal(TransferAttemptResult.Busy, outcome.Result);
        Assert.Equal(("USER_BUSY", 486), (outcome.HangupCause, outcome.SipCode));
        Assert.Null(outcome.Decision);
        await _server.AssertCallerAloneInParkAsync(caller, outcome.ConferenceName);
    }

    [Fact]
    public async Task An_event_socket_drop_during_the_announcement_is_cleaned_up_after_the_reconnect()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3006", Human(AnnouncementResponse.Silent), d => d.AnnounceTimeoutSeconds = 40);
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        long reconnects = _server.Esl.ReconnectCount;

        Task<TransferOutcome> transfer = _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None);
        await Wait.UntilAsync(() => _server.Pbx.Channels.Count == 2 && _server.Pbx.Channels.All(c => c.Conference is not null));
        Assert.True(_server.Pbx.DropEventSocketConnections() >= 1);
        TransferOutcome outcome = await transfer.WaitAsync(TimeSpan.FromSeconds(30));

        _output.WriteLine($"event socket dropped during the announcement: caller back in park {outcome.Duration.TotalMilliseconds:F0} ms after the transfer started");
        Assert.Equal(TransferAttemptResult.Failed, outcome.Result);
        Assert.Contains("Event Socket", outcome.Error, StringComparison.Ordinal);
        Assert.True(outcome.Duration < TimeSpan.FromSeconds(30), $"took {outcome.Duration}");
        Assert.True(_server.Esl.ReconnectCount > reconnects);
        Assert.Equal(1, caller.Resumed);
        await _server.AssertCallerAloneInParkAsync(caller, outcome.ConferenceName);
        Assert.Equal(TransferAttemptResult.Failed, Assert.Single(await _server.AttemptsAsync(caller.CallUuid)).Result);
    }

    [Fact]
    public async Task A_caller_hanging_up_during_the_announcement_hangs_up_the_human_and_ends_the_conference()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3007", Human(AnnouncementResponse.Silent), d => d.AnnounceTimeoutSeconds = 40);
        TestCaller caller = await _server.PlaceParkedCallerAsync();

        Task<TransferOutcome> transfer = _server.Executor.AnnouncedAsync(caller, destination, Reason, CancellationToken.None);
        await Wait.UntilAsync(() => _server.Pbx.Channels.Count == 2 && _server.Pbx.Channels.All(c => c.Conference is not null));
        await _server.Pbx.FindChannel(caller.CallUuid)!.HangupAsync();
        TransferOutcome outcome = await transfer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TransferAttemptResult.Failed, outcome.Result);
        Assert.True(outcome.CallerHungUp);
        Assert.Equal(0, caller.Resumed);
        await Wait.UntilAsync(async () => (await _server.ChannelsAsync()).Count == 0);
        Assert.Empty(await _server.Esl.ConferenceListAsync(outcome.ConferenceName!, CancellationToken.None));
    }

    [Fact]
    public async Task A_transfer_cancelled_during_the_announcement_still_parks_the_caller_and_closes_its_attempt()
    {
        TransferDestination destination = await _server.AddDestinationAsync("3008", Human(AnnouncementResponse.Silent), d => d.AnnounceTimeoutSeconds = 40);
        TestCaller caller = await _server.PlaceParkedCallerAsync();
        using var cancel = new CancellationTokenSource();

        Task<TransferOutcome> transfer = _server.Executor.AnnouncedAsync(caller, destination, Reason, cancel.Token);
        await Wait.UntilAsync(() => _server.Pbx.Channels.Count == 2 && _server.Pbx.Channels.All(c => c.Conference is not null));
        string conference = _server.Pbx.FindChannel(caller.CallUuid)!.Conference!.Value.Name;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transfer.WaitAsync(TimeSpan.FromSeconds(30)));
        await _server.AssertCallerAloneInParkAsync(caller, conference);
        TransferAttempt row = Assert.Single(await _server.AttemptsAsync(caller.CallUuid));
        Assert.Equal((TransferAttemptResult.Failed, conference), (row.Result!.Value, row.ConferenceName));
        Assert.NotNull(row.EndedAt);
    }

    private static SimulatedExtension Human(AnnouncementResponse response) => new()
    {
        AnswerDelay = TimeSpan.FromMilliseconds(300),
        AnnouncementResponse = response,
        ReactionDelay = TimeSpan.FromSeconds(1.5),
    };
}
