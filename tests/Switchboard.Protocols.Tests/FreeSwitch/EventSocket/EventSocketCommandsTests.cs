using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket;

public class EventSocketCommandsTests
{
    private const string A = "4b2c9f0e-1d2a-4e8b-9c3f-7a6d5e4c3b21";
    private const string B = "9c1e7d42-5a3b-4f1c-8e2d-0b9a8c7d6e53";
    private static readonly TimeSpan Timeout = FakeEventSocketServer.Timeout;

    private static readonly Dictionary<string, (Func<EventSocketClient, Task> Call, string Line, string Reply)> ApiCases = new()
    {
        ["bridge"] = (c => c.BridgeAsync(A, B, default), $"api uuid_bridge {A} {B}", $"+OK {B}\n"),
        ["hold"] = (c => c.HoldAsync(A, HoldMode.Hold, default), $"api uuid_hold {A}", "+OK Success\n"),
        ["unhold"] = (c => c.HoldAsync(A, HoldMode.Off, default), $"api uuid_hold off {A}", "+OK Success\n"),
        ["hold toggle"] = (c => c.HoldAsync(A, HoldMode.Toggle, default), $"api uuid_hold toggle {A}", "+OK Success\n"),
        ["break all"] = (c => c.BreakAsync(A, all: true, default), $"api uuid_break {A} all", "+OK\n"),
        ["break"] = (c => c.BreakAsync(A, all: false, default), $"api uuid_break {A}", "+OK\n"),
        ["kill with cause"] = (c => c.KillAsync(A, HangupCause.UserBusy, default), $"api uuid_kill {A} USER_BUSY", "+OK\n"),
        ["kill"] = (c => c.KillAsync(A, null, default), $"api uuid_kill {A}", "+OK\n"),
        ["broadcast moh"] = (c => c.BroadcastAsync(A, "local_stream://moh", BroadcastLeg.ALeg, default),
            $"api uuid_broadcast {A} local_stream://moh aleg", "+OK Message sent\n"),
        ["broadcast speak"] = (c => c.BroadcastAsync(A, "speak::flite|kal|Hello there", BroadcastLeg.Both, default),
            $"api uuid_broadcast {A} 'speak::flite|kal|Hello there' both", "+OK Message sent\n"),
        ["record start"] = (c => c.RecordStartAsync(A, $"/var/lib/freeswitch/recordings/example.com/archive/2026/Mar/07/{A}.wav", 3600, default),
            $"api uuid_record {A} start /var/lib/freeswitch/recordings/example.com/archive/2026/Mar/07/{A}.wav 3600", "+OK Success\n"),
        ["record stop all"] = (c => c.RecordStopAsync(A, "all", default), $"api uuid_record {A} stop all", "+OK Success\n"),
        ["setvar"] = (c => c.SetVarAsync(A, "park_after_bridge", "true", default), $"api uuid_setvar {A} park_after_bridge true", "+OK\n"),
        ["setvar with space"] = (c => c.SetVarAsync(A, "greeting", "Olá mundo", default), $"api uuid_setvar {A} greeting 'Olá mundo'", "+OK\n"),
        ["unsetvar"] = (c => c.SetVarAsync(A, "hold_music", null, default), $"api uuid_setvar {A} hold_music", "+OK\n"),
        ["transfer"] = (c => c.TransferAsync(A, "1001", "XML", "example.com", default), $"api uuid_transfer {A} 1001 XML example.com", "+OK\n"),
        ["transfer b-leg to voicemail"] = (c => c.TransferAsync(A, "*991001", "XML", "example.com", TransferLeg.BLeg, default),
            $"api uuid_transfer {A} -bleg *991001 XML example.com", "+OK\n"),
        ["conference transfer"] = (c => c.ConferenceTransferAsync(A, "C1", ["mute", "moderator"], default),
            $"api uuid_transfer {A} conference:C1@default+flags{{mute|moderator}},park inline", "+OK\n"),
        ["conference transfer without park"] = (c => c.ConferenceTransferAsync(A, "3000@example.com", "default", null, thenPark: false, default),
            $"api uuid_transfer {A} conference:3000@example.com@default inline", "+OK\n"),
        ["audio stream start"] = (c => c.AudioStreamStartAsync(A, new Uri($"ws://10.0.0.5:8080/calls/{A}"), AudioStreamMix.Mono, 16000, $"{{\"uuid\":\"{A}\",\"caller\":\"+15551234567\"}}", default),
            $"api uuid_audio_stream {A} start ws://10.0.0.5:8080/calls/{A} mono 16k {{\"uuid\":\"{A}\",\"caller\":\"+15551234567\"}}", "+OK Success\n"),
        ["audio stream start 24k stereo"] = (c => c.AudioStreamStartAsync(A, new Uri("wss://ai.example.com/s?x=1"), AudioStreamMix.Stereo, 24000, null, default),
            $"api uuid_audio_stream {A} start wss://ai.example.com/s?x=1 stereo 24000", "+OK Success\n"),
        ["audio stream stop"] = (c => c.AudioStreamStopAsync(A, null, default), $"api uuid_audio_stream {A} stop", "+OK Success\n"),
        ["audio stream send text"] = (c => c.AudioStreamSendTextAsync(A, "{\"type\": \"mark\"}", default),
            $"api uuid_audio_stream {A} send_text '{{\"type\": \"mark\"}}'", "+OK Success\n"),
        ["conference mute"] = (c => c.ConferenceMuteAsync("C1", 3, default), "api conference C1 mute 3", "+OK mute 3\n"),
        ["conference unmute"] = (c => c.ConferenceUnmuteAsync("C1", 1, default), "api conference C1 unmute 1", "+OK unmute 1\n"),
        ["conference deaf"] = (c => c.ConferenceDeafAsync("C1", 1, default), "api conference C1 deaf 1", "+OK deaf 1\n"),
        ["conference undeaf"] = (c => c.ConferenceUndeafAsync("C1", 1, default), "api conference C1 undeaf 1", "+OK undeaf 1\n"),
        ["conference kick"] = (c => c.ConferenceKickAsync("C1", 3, default), "api conference C1 kick 3", "+OK kicked 3\n"),
        ["conference hup"] = (c => c.ConferenceHupAsync("C1", 3, default), "api conference C1 hup 3", "+OK hup 3\n"),
    };

    public static TheoryData<string> ApiCaseNames => [.. ApiCases.Keys];

    public static TheoryData<string, string> FailureCases => new()
    {
        { "kill", "-ERR No such channel!\n" },
        { "conference kick", "-ERR Non-Existant ID 725" },
        { "conference mute", "-ERR Conference C1 not found\n" },
        { "audio stream start", "-ERR Operation Failed\n" },
        { "hold", "-ERR Operation failed\n" },
        { "transfer", "-ERR\n" },
        { "bridge", "-ERR Invalid uuid\n" },
        { "audio stream stop", "-USAGE: <uuid> [start | stop | send_text | pause | resume | graceful-shutdown ] [wss-url | path] [mono | mixed | stereo] [8000 | 16000] [metadata]\n" },
    };

    [Theory]
    [MemberData(nameof(ApiCaseNames))]
    public async Task Typed_command_sends_the_exact_api_line_and_accepts_ok(string name)
    {
        (Func<EventSocketClient, Task> call, string line, string reply) = ApiCases[name];
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task task = call(client);
        FakeCommand command = await session.NextCommandAsync();
        await session.ApiResponseAsync(reply);

        await task.WaitAsync(Timeout);
        Assert.Equal(line, command.Line);
    }

    [Theory]
    [MemberData(nameof(FailureCases))]
    public async Task Typed_command_turns_an_error_reply_into_the_command_exception(string name, string reply)
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task task = ApiCases[name].Call(client);
        await session.NextCommandAsync();
        await session.ApiResponseAsync(reply);

        var error = await Assert.ThrowsAsync<EventSocketCommandException>(() => task.WaitAsync(Timeout));
        Assert.Equal(reply, error.Reply);
        Assert.Equal(ApiCases[name].Line["api ".Length..], error.Command);
    }

    [Theory]
    [InlineData("_undef_", null)]
    [InlineData("true", "true")]
    [InlineData("local_stream://default", "local_stream://default")]
    public async Task Get_var_returns_the_raw_value_or_null_when_undefined(string reply, string? expected)
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<string?> value = client.GetVarAsync(A, "hold_music", default);
        Assert.Equal($"api uuid_getvar {A} hold_music", (await session.NextCommandAsync()).Line);
        await session.ApiResponseAsync(reply);

        Assert.Equal(expected, await value.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Get_var_of_a_missing_channel_throws()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<string?> value = client.GetVarAsync(A, "x", default);
        await session.NextCommandAsync();
        await session.ApiResponseAsync("-ERR No such channel!\n");

        await Assert.ThrowsAsync<EventSocketCommandException>(() => value.WaitAsync(Timeout));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Exists_reads_true_or_false(string reply, bool expected)
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<bool> exists = client.ExistsAsync(A, default);
        Assert.Equal($"api uuid_exists {A}", (await session.NextCommandAsync()).Line);
        await session.ApiResponseAsync(reply);

        Assert.Equal(expected, await exists.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Originate_goes_through_bgapi_and_reads_a_busy_result()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<OriginateResult> originate = client.OriginateAsync(
            new OriginateRequest { DialString = "user/1001@example.com", Uuid = B, TimeoutSeconds = 25 }, default);
        FakeCommand command = await session.NextCommandAsync();
        string job = command.Headers["Job-UUID"];
        await session.ReplyAsync($"+OK Job-UUID: {job}", ("Job-UUID", job));
        await session.SendEventPlainAsync(EventSocketClientTests.BackgroundJob(job), "-ERR USER_BUSY\n");

        OriginateResult result = await originate.WaitAsync(Timeout);
        Assert.Equal($"bgapi originate {{origination_uuid={B},ignore_early_media=true,originate_timeout=25}}user/1001@example.com &park()", command.Line);
        Assert.False(result.Answered);
        Assert.Equal(HangupCause.UserBusy, result.Cause);
        Assert.Equal(TransferResult.Busy, result.Outcome);
        Assert.Equal("-ERR USER_BUSY\n", result.RawReply);
    }

    [Fact]
    public async Task Originate_reads_the_new_channel_uuid_on_success()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<OriginateResult> originate = client.OriginateAsync(new OriginateRequest { DialString = "loopback/7441", Uuid = B, Application = "conference", ApplicationArgs = "C1@default" }, default);
        FakeCommand command = await session.NextCommandAsync();
        string job = command.Headers["Job-UUID"];
        await session.ReplyAsync($"+OK Job-UUID: {job}", ("Job-UUID", job));
        await session.SendEventJsonAsync(EventSocketClientTests.BackgroundJob(job), $"+OK {B}\n");

        OriginateResult result = await originate.WaitAsync(Timeout);
        Assert.EndsWith("loopback/7441 &conference(C1@default)", command.Line, StringComparison.Ordinal);
        Assert.True(result.Answered);
        Assert.Equal(B, result.Uuid);
        Assert.Null(result.Cause);
        Assert.Equal(TransferResult.Success, result.Outcome);
    }

    [Fact]
    public async Task Playback_is_a_sendmsg_execute_with_event_lock_and_event_uuid()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task playback = client.PlaybackAsync(A, $"/tmp/{A}_0.tmp.r8", "chunk-17", default);
        FakeCommand command = await session.NextCommandAsync();
        await session.ReplyAsync("+OK");
        await playback.WaitAsync(Timeout);

        Assert.Equal($"sendmsg {A}", command.Line);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["call-command"] = "execute",
                ["execute-app-name"] = "playback",
                ["execute-app-arg"] = $"/tmp/{A}_0.tmp.r8",
                ["event-lock"] = "true",
                ["Event-UUID"] = "chunk-17",
            },
            command.Headers);
    }

    [Fact]
    public async Task Playback_on_a_missing_channel_throws()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task playback = client.PlaybackAsync(A, "/tmp/x.wav", null, default);
        await session.NextCommandAsync();
        await session.ReplyAsync($"-ERR invalid session id [{A}]");

        var error = await Assert.ThrowsAsync<EventSocketCommandException>(() => playback.WaitAsync(Timeout));
        Assert.Equal($"-ERR invalid session id [{A}]", error.Reply);
    }

    [Fact]
    public async Task Conference_list_is_parsed_and_a_missing_conference_is_empty()
    {
        await using var server = new FakeEventSocketServer();
        await using EventSocketClient client = await StartAsync(server);
        FakeEventSocketSession session = await server.NextSessionAsync();

        Task<IReadOnlyList<ConferenceMember>> list = client.ConferenceListAsync("C1", default);
        Assert.Equal("api conference C1 list", (await session.NextCommandAsync()).Line);
        await session.ApiResponseAsync($"1;loopback/7440-a;{B};Outbound Call;7440;hear|speak|talking|moderator;0;0;100\n3;sofia/internal/1001@example.com;{A};Alice;1001;hear|floor;0;0;100\n");
        Task<int?> memberId = client.ConferenceMemberIdAsync("C1", A, default);
        await session.NextCommandAsync();
        await session.ApiResponseAsync($"3;sofia/internal/1001@example.com;{A};Alice;1001;hear|floor;0;0;100\n");
        Task<IReadOnlyList<ConferenceMember>> missing = client.ConferenceListAsync("NOPE", default);
        await session.NextCommandAsync();
        await session.ApiResponseAsync("-ERR Conference NOPE not found");

        Assert.Equal([1, 3], (await list.WaitAsync(Timeout)).Select(m => m.Id));
        Assert.Equal(3, await memberId.WaitAsync(Timeout));
        Assert.Empty(await missing.WaitAsync(Timeout));
    }

    [Fact]
    public void Conference_list_lines_parse_into_members_as_in_the_verified_format()
    {
        IReadOnlyList<ConferenceMember> members = EventSocketCommands.ParseConferenceList(
            "1;loopback/7440-a;000725a9-3c1d-4e2f-8a9b-0c1d2e3f4a5b;Outbound Call;7440;hear|speak|talking|moderator;0;0;100\n" +
            $"2;sofia/internal/1001@example.com;{A};Doe; John;+15551234567;hold;-2;3;300\n");

        ConferenceMember first = members[0];
        Assert.Equal(1, first.Id);
        Assert.Equal("loopback/7440-a", first.ChannelName);
        Assert.Equal("000725a9-3c1d-4e2f-8a9b-0c1d2e3f4a5b", first.Uuid);
        Assert.Equal("Outbound Call", first.CallerIdName);
        Assert.Equal("7440", first.CallerIdNumber);
        Assert.Equal(["hear", "moderator", "speak", "talking"], first.Flags.Order());
        Assert.True(first.CanSpeak && first.CanHear && first.IsTalking && first.IsModerator && !first.HasFloor);
        Assert.Equal((0, 0, 100), (first.VolumeIn, first.VolumeOut, first.Energy));

        ConferenceMember second = members[1];
        Assert.Equal("Doe; John", second.CallerIdName);
        Assert.Equal("+15551234567", second.CallerIdNumber);
        Assert.False(second.CanSpeak);
        Assert.Equal((-2, 3, 300), (second.VolumeIn, second.VolumeOut, second.Energy));
    }

    [Theory]
    [InlineData("1;only;three")]
    [InlineData("x;loopback/a;000725a9-3c1d-4e2f-8a9b-0c1d2e3f4a5b;n;1;hear;0;0;100")]
    [InlineData("1;loopback/a;not-a-uuid;n;1;hear;0;0;100")]
    public void A_malformed_conference_line_throws_the_protocol_exception(string line)
    {
        Assert.Throws<EventSocketException>(() => EventSocketCommands.ParseConferenceList(line));
    }

    [Fact]
    public void Originate_renders_caller_id_with_spaces_quoted_and_timeout_as_a_variable()
    {
        string command = EventSocketCommands.FormatOriginate(new OriginateRequest
        {
            DialString = "user/1001@example.com",
            Uuid = B,
            CallerIdName = "Front Desk",
            CallerIdNumber = "8000",
            TimeoutSeconds = 25,
        });

        Assert.Equal(
            $"originate {{origination_uuid={B},ignore_early_media=true,originate_timeout=25,origination_caller_id_name='Front Desk',origination_caller_id_number=8000}}user/1001@example.com &park()",
            command);
    }

    [Fact]
    public void Originate_switches_the_variable_separator_when_a_value_has_a_comma()
    {
        var request = new OriginateRequest { DialString = "user/1001@example.com", Uuid = B, IgnoreEarlyMedia = false };
        request.Variables["sip_h_X-Tags"] = "vip,callback";
        request.Variables["origination_caller_id_name"] = "O'Brien";

        Assert.Equal(
            $"originate {{^^;origination_uuid={B};sip_h_X-Tags=vip,callback;origination_caller_id_name=O\\'Brien}}user/1001@example.com &park()",
            EventSocketCommands.FormatOriginate(request));
    }

    [Fact]
    public void Originate_to_an_extension_renders_exten_dialplan_and_context()
    {
        Assert.Equal(
            $"originate {{origination_uuid={B},ignore_early_media=true}}loopback/9000/example.com 9000 XML example.com",
            EventSocketCommands.FormatOriginate(new OriginateRequest
            {
                DialString = "loopback/9000/example.com",
                Uuid = B,
                Extension = "9000",
                Context = "example.com",
            }));
    }

    [Fact]
    public void Originate_quotes_an_application_argument_with_spaces()
    {
        Assert.Equal(
            $"originate {{origination_uuid={B}}}user/1001 '&playback(/tmp/hello world.wav)'",
            EventSocketCommands.FormatOriginate(new OriginateRequest
            {
                DialString = "user/1001",
                Uuid = B,
                IgnoreEarlyMedia = false,
                Application = "playback",
                ApplicationArgs = "/tmp/hello world.wav",
            }));
    }

    [Theory]
    [InlineData("user/1001 x", null, null)]
    [InlineData("user/1001", "a)b", null)]
    [InlineData("user/1001", null, "a}b")]
    [InlineData("user/1001", null, "line\nbreak")]
    public void Originate_refuses_what_freeswitch_would_misparse(string dial, string? args, string? value)
    {
        var request = new OriginateRequest { DialString = dial, ApplicationArgs = args };
        if (value is not null)
        {
            request.Variables["x"] = value;
        }

        Assert.Throws<ArgumentException>(() => EventSocketCommands.FormatOriginate(request));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "'two words'")]
    [InlineData("O'Brien", "O\\'Brien")]
    [InlineData("C:\\dir", "C:\\\\dir")]
    [InlineData("{\"a\": \"x\\\"y\"}", "'{\"a\": \"x\\\\\"y\"}'")]
    public void Arguments_are_escaped_for_the_freeswitch_tokenizer(string value, string expected)
    {
        Assert.Equal(expected, EventSocketCommands.QuoteArgument(value));
    }

    [Fact]
    public void Subscription_puts_custom_and_subclasses_last_and_adds_background_job()
    {
        Assert.Equal(
            "event json CHANNEL_ANSWER DTMF BACKGROUND_JOB CUSTOM conference::maintenance mod_audio_stream::play",
            EventSocketCommands.FormatSubscription(["CUSTOM", "conference::maintenance", "CHANNEL_ANSWER", "mod_audio_stream::play", "DTMF", "DTMF"]));
        Assert.Equal("event json ALL", EventSocketCommands.FormatSubscription(["ALL"]));
    }

    [Theory]
    [InlineData("conference:C1@default+flags{mute,moderator}")]
    [InlineData("C 1")]
    public void Conference_names_that_would_break_the_inline_dialplan_are_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => EventSocketCommands.FormatConferenceTransfer(A, name, "default", null, thenPark: true));
    }

    [Fact]
    public void Conference_member_flags_must_be_plain_words()
    {
        Assert.Throws<ArgumentException>(() => EventSocketCommands.FormatConferenceTransfer(A, "C1", "default", ["mute,moderator"], thenPark: true));
    }

    [Theory]
    [InlineData(12000)]
    [InlineData(44100)]
    [InlineData(0)]
    public void Audio_stream_rates_that_the_module_rejects_are_refused(int rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            EventSocketCommands.FormatAudioStreamStart(A, new Uri("ws://h/x"), AudioStreamMix.Mono, rate, null));
    }

    [Fact]
    public void Audio_stream_needs_a_websocket_url()
    {
        Assert.Throws<ArgumentException>(() =>
            EventSocketCommands.FormatAudioStreamStart(A, new Uri("http://h/x"), AudioStreamMix.Mono, 8000, null));
    }

    [Theory]
    [InlineData("+OK 9c1e7d42-5a3b-4f1c-8e2d-0b9a8c7d6e53\n", true, "9c1e7d42-5a3b-4f1c-8e2d-0b9a8c7d6e53", null, TransferResult.Success)]
    [InlineData("-ERR NO_ANSWER\n", false, null, HangupCause.NoAnswer, TransferResult.NoAnswer)]
    [InlineData("-ERR USER_NOT_REGISTERED\n", false, null, HangupCause.UserNotRegistered, TransferResult.Unavailable)]
    [InlineData("-ERR CALL_REJECTED\n", false, null, HangupCause.CallRejected, TransferResult.Rejected)]
    [InlineData("-ERR NORMAL_TEMPORARY_FAILURE\n", false, null, HangupCause.NormalTemporaryFailure, TransferResult.Failed)]
    [InlineData("-USAGE: <dial string> <exten>\n", false, null, null, TransferResult.Failed)]
    public void Originate_results_parse_from_the_background_job_body(string body, bool answered, string? uuid, HangupCause? cause, TransferResult outcome)
    {
        OriginateResult result = OriginateResult.Parse(body);

        Assert.Equal((answered, uuid, cause, outcome, body), (result.Answered, result.Uuid, result.Cause, result.Outcome, result.RawReply));
    }

    private static async Task<EventSocketClient> StartAsync(FakeEventSocketServer server)
    {
        EventSocketClient client = EventSocketClientTests.CreateClient(server);
        await client.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        return client;
    }
}
