using System.Collections.Concurrent;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket;

public class EventSocketClientTests
{
    private const string ChannelA = "4b2c9f0e-1d2a-4e8b-9c3f-7a6d5e4c3b21";
    private const string ChannelB = "9c1e7d42-5a3b-4f1c-8e2d-0b9a8c7d6e53";
    private const string RecommendedSubscription =
        "event json CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE " +
        "CHANNEL_PARK CHANNEL_UNPARK CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_DESTROY " +
        "CHANNEL_EXECUTE_COMPLETE DTMF RECORD_START RECORD_STOP PLAYBACK_START PLAYBACK_STOP BACKGROUND_JOB HEARTBEAT " +
        "CUSTOM conference::maintenance callcenter::info mod_audio_stream::connect mod_audio_stream::disconnect " +
        "mod_audio_stream::error mod_audio_stream::json mod_audio_stream::play";

    private static readonly TimeSpan Timeout = FakeEventSocketServer.Timeout;

    [Fact]
    public async Task Connects_authenticates_and_subscribes_to_the_recommended_events_with_custom_last()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);

        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Assert.Equal(EventSocketState.Connected, client.State);
        Assert.Equal(["auth ClueCon", RecommendedSubscription], session.Lines);
        Assert.Equal(0, client.ReconnectCount);
    }

    [Fact]
    public async Task A_refused_password_stops_the_client_without_retrying()
    {
        await using var server = new FakeEventSocketServer(password: "s3cret");
        await using EventSocketClient client = CreateClient(server);
        Task stopped = WaitForStateAsync(client, EventSocketState.Stopped);

        var error = await Assert.ThrowsAsync<EventSocketAuthenticationException>(() => client.StartAsync(CancellationToken.None).WaitAsync(Timeout));
        await stopped.WaitAsync(Timeout);

        Assert.Contains("-ERR invalid", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Connections);
        await Assert.ThrowsAsync<EventSocketAuthenticationException>(() => client.ApiAsync("status", CancellationToken.None));
        await Assert.ThrowsAsync<EventSocketAuthenticationException>(() => client.WaitConnectedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_acl_rejection_stops_the_client()
    {
        await using var server = new FakeEventSocketServer { RejectConnections = true };
        await using EventSocketClient client = CreateClient(server);

        var error = await Assert.ThrowsAsync<EventSocketAuthenticationException>(() => client.StartAsync(CancellationToken.None).WaitAsync(Timeout));
        await WaitForStateAsync(client, EventSocketState.Stopped).WaitAsync(Timeout);

        Assert.Contains("Access Denied", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Concurrent_api_callers_each_get_their_own_reply()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<string>[] calls = [.. Enumerable.Range(0, 50).Select(i => Task.Run(() => client.ApiAsync($"echo {i}", CancellationToken.None)))];
        for (int i = 0; i < calls.Length; i++)
        {
            FakeCommand command = await session.NextCommandAsync();
            await session.ApiResponseAsync("reply to " + command.Line["api echo ".Length..]);
        }

        string[] replies = await Task.WhenAll(calls).WaitAsync(Timeout);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"reply to {i}"), replies);
    }

    [Fact]
    public async Task Background_jobs_are_matched_by_job_uuid_when_results_arrive_out_of_order()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<string> first = client.BackgroundApiAsync("originate user/1001 &park()", CancellationToken.None);
        Task<string> second = client.BackgroundApiAsync("originate user/1002 &park()", CancellationToken.None);
        Task<string> third = client.BackgroundApiAsync("originate user/1003 &park()", CancellationToken.None);
        var jobs = new Dictionary<string, string>();
        for (int i = 0; i < 3; i++)
        {
            FakeCommand command = await session.NextCommandAsync();
            string job = command.Headers["Job-UUID"];
            Assert.True(Guid.TryParse(job, out _));
            jobs[command.Line] = job;
            await session.ReplyAsync($"+OK Job-UUID: {job}", ("Job-UUID", job));
        }

        await session.SendEventPlainAsync(BackgroundJob(jobs["bgapi originate user/1003 &park()"]), "-ERR USER_BUSY\n");
        await session.SendEventJsonAsync(BackgroundJob(jobs["bgapi originate user/1002 &park()"]), "-ERR NO_ANSWER\n");
        await session.SendEventPlainAsync(BackgroundJob(jobs["bgapi originate user/1001 &park()"]), $"+OK {ChannelA}\n");

        Assert.Equal($"+OK {ChannelA}\n", await first.WaitAsync(Timeout));
        Assert.Equal("-ERR NO_ANSWER\n", await second.WaitAsync(Timeout));
        Assert.Equal("-ERR USER_BUSY\n", await third.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_bgapi_refused_by_freeswitch_throws_the_command_exception()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<string> job = client.BackgroundApiAsync("originate user/1001 &park()", CancellationToken.None);
        await session.NextCommandAsync();
        await session.ReplyAsync("-ERR permission denied");

        var error = await Assert.ThrowsAsync<EventSocketCommandException>(() => job.WaitAsync(Timeout));
        Assert.Equal("-ERR permission denied", error.Reply);
    }

    [Fact]
    public async Task Events_are_dispatched_to_every_subscriber_and_by_unique_id()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        using EventSubscription all = client.Subscribe();
        using EventSubscription a = client.Subscribe(ChannelA);
        using EventSubscription alsoA = client.Subscribe(ChannelA.ToUpperInvariant());
        using EventSubscription b = client.Subscribe(ChannelB);

        await session.SendEventJsonAsync(Event("CHANNEL_ANSWER", ChannelA, 1));
        await session.SendEventPlainAsync(Event("CHANNEL_ANSWER", ChannelB, 2));
        await session.SendEventJsonAsync(new Dictionary<string, string> { ["Event-Name"] = "HEARTBEAT", ["Event-Sequence"] = "3" });
        await session.SendEventJsonAsync(Event("CHANNEL_HANGUP", ChannelA, 4));
        await session.SendEventJsonAsync(Event("CHANNEL_DESTROY", ChannelB, 5));
        await session.SendEventJsonAsync(Event("CHANNEL_DESTROY", ChannelA, 6));

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, await ReadAsync(all, 6));
        Assert.Equal(new long[] { 1, 4, 6 }, await ReadAsync(a, 3));
        Assert.Equal(new long[] { 1, 4, 6 }, await ReadAsync(alsoA, 3));
        Assert.Equal(new long[] { 2, 5 }, await ReadAsync(b, 2));
        Assert.Equal(0, a.Count + alsoA.Count + b.Count);
        Assert.Equal(6, client.EventsReceived);
    }

    [Fact]
    public async Task A_subscription_to_named_events_gets_only_those_and_custom_subclasses_by_name()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server, o => o.SubscriptionCapacity = 3);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        using EventSubscription parks = client.SubscribeToEvents("CHANNEL_PARK", "mod_audio_stream::play");
        Task<string> api = client.ApiAsync("status", CancellationToken.None);
        await session.NextCommandAsync();

        // Seven events, three wanted: the unwanted ones never take room in the queue (capacity 3), so nobody reads it
        // and still the reader gets to the reply behind them.
        await session.SendEventJsonAsync(Event("CHANNEL_ANSWER", ChannelA, 1));
        await session.SendEventJsonAsync(Event("CHANNEL_PARK", ChannelA, 2));
        await session.SendEventJsonAsync(Event("PLAYBACK_START", ChannelB, 3));
        await session.SendEventJsonAsync(Event("CHANNEL_EXECUTE_COMPLETE", ChannelB, 4));
        Dictionary<string, string> play = Event("CUSTOM", ChannelB, 5);
        play["Event-Subclass"] = "mod_audio_stream::play";
        await session.SendEventJsonAsync(play);
        Dictionary<string, string> json = Event("CUSTOM", ChannelB, 6);
        json["Event-Subclass"] = "mod_audio_stream::json";
        await session.SendEventJsonAsync(json);
        await session.SendEventJsonAsync(Event("CHANNEL_PARK", ChannelB, 7));
        await session.ApiResponseAsync("UP 0 years");

        Assert.Equal("UP 0 years", await api.WaitAsync(Timeout));
        Assert.Equal(new long[] { 2, 5, 7 }, await ReadAsync(parks, 3));
        Assert.Equal(0, parks.Count);
        Assert.Equal(0, client.SubscriberWaits);
    }

    [Fact]
    public async Task A_subscription_to_named_events_needs_at_least_one_name()
    {
        await using var client = new EventSocketClient(new EventSocketOptions());
        Assert.Throws<ArgumentException>(() => client.SubscribeToEvents());
    }

    [Fact]
    public async Task A_disposed_subscription_is_completed_and_gets_nothing_more()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        EventSubscription disposed = client.Subscribe(ChannelA);
        using EventSubscription kept = client.Subscribe(ChannelA);

        disposed.Dispose();
        await session.SendEventJsonAsync(Event("CHANNEL_ANSWER", ChannelA, 1));

        Assert.Equal(new long[] { 1 }, await ReadAsync(kept, 1));
        Assert.False(await disposed.Reader.WaitToReadAsync().AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_slow_subscriber_holds_the_reader_without_losing_events()
    {
        await using var server = new FakeEventSocketServer();
        var logger = new CapturingLogger<EventSocketClient>();
        await using EventSocketClient client = CreateClient(server, o => o.SubscriptionCapacity = 2, logger: logger);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        using EventSubscription slow = client.Subscribe();
        Task<string> api = client.ApiAsync("status", CancellationToken.None);
        await session.NextCommandAsync();

        for (int i = 1; i <= 6; i++)
        {
            await session.SendEventJsonAsync(Event("DTMF", ChannelA, i));
        }

        await session.ApiResponseAsync("UP 0 years");
        await logger.WaitForAsync(1107);

        // The reply sits behind the events the full subscription holds back.
        Assert.False(api.IsCompleted);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, await ReadAsync(slow, 6));
        Assert.Equal("UP 0 years", await api.WaitAsync(Timeout));
        Assert.True(client.SubscriberWaits >= 1);
    }

    [Fact]
    public async Task An_undecodable_event_is_skipped_and_the_connection_stays_up()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        using EventSubscription all = client.Subscribe();

        await session.SendAsync("Content-Length: 9\nContent-Type: text/event-json\n\n{\"broken\"");
        await session.SendEventJsonAsync(Event("CHANNEL_ANSWER", ChannelA, 7));

        Assert.Equal(new long[] { 7 }, await ReadAsync(all, 1));
        Assert.Equal(1, client.MalformedEvents);
        Assert.Equal(EventSocketState.Connected, client.State);
    }

    [Fact]
    public async Task Filters_are_reapplied_after_a_reconnect_with_the_background_job_filter_first()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession first = await server.NextSessionAsync();

        await client.AddFilterAsync("Unique-ID", ChannelA, CancellationToken.None).WaitAsync(Timeout);
        await client.AddFilterAsync("Unique-ID", ChannelB, CancellationToken.None).WaitAsync(Timeout);
        string[] expected =
        [
            "auth ClueCon", RecommendedSubscription, "filter Event-Name BACKGROUND_JOB", "filter Event-Name HEARTBEAT",
            $"filter Unique-ID {ChannelA}", $"filter Unique-ID {ChannelB}",
        ];
        Assert.Equal(expected, first.Lines);

        Task reconnected = WaitForReconnectAsync(client);
        first.Drop();
        FakeEventSocketSession second = await server.NextSessionAsync();
        await reconnected.WaitAsync(Timeout);

        Assert.Equal(expected, second.Lines);
        Assert.Equal(1, client.ReconnectCount);
    }

    [Fact]
    public async Task Deleting_the_last_filter_also_removes_the_automatic_ones()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server, o => o.Events = ["CHANNEL_ANSWER"]);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        await client.AddFilterAsync("Unique-ID", ChannelA, CancellationToken.None).WaitAsync(Timeout);
        await client.DeleteFilterAsync("Unique-ID", ChannelA, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(
            [
                "auth ClueCon", "event json CHANNEL_ANSWER BACKGROUND_JOB", "filter Event-Name BACKGROUND_JOB",
                $"filter Unique-ID {ChannelA}", $"filter delete Unique-ID {ChannelA}", "filter delete Event-Name BACKGROUND_JOB",
            ],
            session.Lines);
    }

    [Fact]
    public async Task A_command_pending_when_the_server_drops_fails_then_the_client_reconnects_resubscribes_and_works()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        var states = new ConcurrentQueue<EventSocketState>();
        client.StateChanged += states.Enqueue;
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession first = await server.NextSessionAsync();
        Task<string> pending = client.ApiAsync("show channels as json", CancellationToken.None);
        Task<string> pendingJob = client.BackgroundApiAsync("originate user/1001 &park()", CancellationToken.None);
        await first.NextCommandAsync();
        await first.NextCommandAsync();
        Task reconnected = WaitForReconnectAsync(client);

        first.Drop();

        await Assert.ThrowsAsync<EventSocketDisconnectedException>(() => pending.WaitAsync(Timeout));
        await Assert.ThrowsAsync<EventSocketDisconnectedException>(() => pendingJob.WaitAsync(Timeout));
        FakeEventSocketSession second = await server.NextSessionAsync();
        await reconnected.WaitAsync(Timeout);
        Assert.Equal(["auth ClueCon", RecommendedSubscription], second.Lines);

        Task<string> next = client.ApiAsync($"uuid_exists {ChannelA}", CancellationToken.None);
        Assert.Equal($"api uuid_exists {ChannelA}", (await second.NextCommandAsync()).Line);
        await second.ApiResponseAsync("true");
        Assert.Equal("true", await next.WaitAsync(Timeout));
        Assert.Equal(1, client.ReconnectCount);
        Assert.Equal(
            [EventSocketState.Connecting, EventSocketState.Connected, EventSocketState.Reconnecting, EventSocketState.Connected],
            states);
    }

    [Fact]
    public async Task A_disconnect_notice_ends_the_connection_and_the_client_reconnects()
    {
        await using var server = new FakeEventSocketServer();
        var logger = new CapturingLogger<EventSocketClient>();
        await using EventSocketClient client = CreateClient(server, logger: logger);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession first = await server.NextSessionAsync();
        Task reconnected = WaitForReconnectAsync(client);

        await first.SendDisconnectNoticeAsync();

        Assert.Contains("Disconnected, goodbye.", await logger.WaitForAsync(1105), StringComparison.Ordinal);
        await first.Closed.WaitAsync(Timeout);
        await server.NextSessionAsync();
        await reconnected.WaitAsync(Timeout);
    }

    [Fact]
    public async Task The_late_reply_of_a_timed_out_command_is_not_given_to_the_next_command()
    {
        await using var server = new FakeEventSocketServer();
        var time = new ManualTimeProvider();
        await using EventSocketClient client = CreateClient(server, time: time);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<string> slow = client.ApiAsync("slow", CancellationToken.None);
        await session.NextCommandAsync();
        time.Advance(TimeSpan.FromSeconds(11));
        await Assert.ThrowsAsync<TimeoutException>(() => slow.WaitAsync(Timeout));

        Task<string> next = client.ApiAsync("fast", CancellationToken.None);
        Assert.Equal("api fast", (await session.NextCommandAsync()).Line);
        await session.ApiResponseAsync("late reply to slow");
        await session.ApiResponseAsync("reply to fast");

        Assert.Equal("reply to fast", await next.WaitAsync(Timeout));
        Assert.Equal(EventSocketState.Connected, client.State);
    }

    [Fact]
    public async Task A_connection_silent_past_the_heartbeat_timeout_is_dropped_but_data_keeps_it_alive()
    {
        await using var server = new FakeEventSocketServer();
        var time = new ManualTimeProvider();
        var logger = new CapturingLogger<EventSocketClient>();
        await using EventSocketClient client = CreateClient(server, o => o.HeartbeatTimeout = TimeSpan.FromSeconds(60), time, logger);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        using EventSubscription all = client.Subscribe();
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(60)).WaitAsync(Timeout);

        time.Advance(TimeSpan.FromSeconds(30));
        await session.SendEventJsonAsync(new Dictionary<string, string> { ["Event-Name"] = "HEARTBEAT", ["Event-Sequence"] = "9" });
        Assert.Equal(new long[] { 9 }, await ReadAsync(all, 1));
        Task rearmed = time.WaitForTimerAsync(TimeSpan.FromSeconds(29));
        time.Advance(TimeSpan.FromSeconds(31));
        await rearmed.WaitAsync(Timeout);
        Assert.Equal(EventSocketState.Connected, client.State);

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Contains("missed heartbeats", await logger.WaitForAsync(1101), StringComparison.Ordinal);
        await session.Closed.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_cancelled_command_throws_and_its_late_reply_is_consumed()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        using var cancel = new CancellationTokenSource();

        Task<EventSocketReply> cancelled = client.CommandAsync("sendevent CUSTOM", null, cancel.Token);
        await session.NextCommandAsync();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));

        Task<string> next = client.ApiAsync("status", CancellationToken.None);
        await session.NextCommandAsync();
        await session.ReplyAsync("+OK 7f4e-late");
        await session.ApiResponseAsync("UP");

        Assert.Equal("UP", await next.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_background_job_without_result_times_out_on_the_injected_clock()
    {
        await using var server = new FakeEventSocketServer();
        var time = new ManualTimeProvider();
        await using EventSocketClient client = CreateClient(server, time: time);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<string> job = client.BackgroundApiAsync("originate user/1001 &park()", CancellationToken.None);
        FakeCommand command = await session.NextCommandAsync();
        Task armed = time.WaitForTimerAsync(TimeSpan.FromSeconds(120));
        await session.ReplyAsync("+OK Job-UUID: " + command.Headers["Job-UUID"], ("Job-UUID", command.Headers["Job-UUID"]));
        await armed.WaitAsync(Timeout);
        time.Advance(TimeSpan.FromSeconds(121));

        await Assert.ThrowsAsync<TimeoutException>(() => job.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Send_message_renders_headers_and_carries_a_multi_line_argument_as_a_body()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<EventSocketReply> reply = client.SendMessageAsync(
            ChannelA, new SendMessage { AppName = "speak", AppArg = "flite|kal|line one\nline two", Loops = 2, EventUuid = "e1" }, CancellationToken.None);
        FakeCommand command = await session.NextCommandAsync();
        await session.ReplyAsync("+OK");

        Assert.True((await reply.WaitAsync(Timeout)).IsOk);
        Assert.Equal($"sendmsg {ChannelA}", command.Line);
        Assert.Equal("execute", command.Headers["call-command"]);
        Assert.Equal("speak", command.Headers["execute-app-name"]);
        Assert.Equal("text/plain", command.Headers["content-type"]);
        Assert.Equal("2", command.Headers["loops"]);
        Assert.Equal("e1", command.Headers["Event-UUID"]);
        Assert.False(command.Headers.ContainsKey("execute-app-arg"));
        Assert.False(command.Headers.ContainsKey("event-lock"));
        Assert.Equal("flite|kal|line one\nline two", command.Body);
    }

    [Fact]
    public async Task Disposing_completes_subscriptions_and_stops_the_client()
    {
        await using var server = new FakeEventSocketServer();
        EventSocketClient client = CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        FakeEventSocketSession session = await server.NextSessionAsync();
        EventSubscription all = client.Subscribe();

        await client.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(EventSocketState.Stopped, client.State);
        Assert.False(await all.Reader.WaitToReadAsync().AsTask().WaitAsync(Timeout));
        await session.Closed.WaitAsync(Timeout);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ApiAsync("status", CancellationToken.None));
    }

    [Fact]
    public async Task Start_keeps_retrying_until_a_server_listens_and_gives_up_on_cancellation()
    {
        int port;
        await using (var probe = new FakeEventSocketServer())
        {
            port = probe.Port;
        }

        await using var client = new EventSocketClient(new EventSocketOptions
        {
            Port = port,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(5),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(20),
        });
        using var cancel = new CancellationTokenSource();
        Task start = client.StartAsync(cancel.Token);
        await WaitForStateAsync(client, EventSocketState.Connecting).WaitAsync(Timeout);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start.WaitAsync(Timeout));
        Assert.NotEqual(EventSocketState.Connected, client.State);
    }

    internal static EventSocketClient CreateClient(
        FakeEventSocketServer server,
        Action<EventSocketOptions>? configure = null,
        TimeProvider? time = null,
        CapturingLogger<EventSocketClient>? logger = null)
    {
        var options = new EventSocketOptions
        {
            Port = server.Port,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(10),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        return new EventSocketClient(options, time, logger);
    }

    internal static Dictionary<string, string> Event(string name, string uniqueId, long sequence) => new()
    {
        ["Event-Name"] = name,
        ["Core-UUID"] = "6a3c4f2e-8b1d-4c3e-9f00-5e2d7a1b9c40",
        ["Event-Sequence"] = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Unique-ID"] = uniqueId,
        ["Caller-Caller-ID-Number"] = "+15551234567",
    };

    internal static Dictionary<string, string> BackgroundJob(string job) => new()
    {
        ["Event-Name"] = "BACKGROUND_JOB",
        ["Job-UUID"] = job,
        ["Job-Command"] = "originate",
    };

    private static async Task<long[]> ReadAsync(EventSubscription subscription, int count)
    {
        var sequences = new long[count];
        for (int i = 0; i < count; i++)
        {
            sequences[i] = (await subscription.Reader.ReadAsync().AsTask().WaitAsync(Timeout)).Sequence;
        }

        return sequences;
    }

    private static Task WaitForStateAsync(EventSocketClient client, EventSocketState state)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += s =>
        {
            if (s == state)
            {
                reached.TrySetResult();
            }
        };
        if (client.State == state)
        {
            reached.TrySetResult();
        }

        return reached.Task;
    }

    private static Task WaitForReconnectAsync(EventSocketClient client)
    {
        long before = client.ReconnectCount;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += s =>
        {
            if (s == EventSocketState.Connected && client.ReconnectCount > before)
            {
                reached.TrySetResult();
            }
        };
        return reached.Task;
    }
}
