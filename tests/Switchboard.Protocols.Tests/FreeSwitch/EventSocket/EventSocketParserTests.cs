using System.Buffers;
using System.Text;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket;

public class EventSocketParserTests
{
    private const int Max = 8 * 1024 * 1024;
    private const string ChannelA = "4b2c9f0e-1d2a-4e8b-9c3f-7a6d5e4c3b21";
    private const string ChannelB = "9c1e7d42-5a3b-4f1c-8e2d-0b9a8c7d6e53";
    private const string Job = "0f9e4a12-0000-4000-8000-000000000001";

    public static TheoryData<string> FixtureNames => [.. Fixtures.All];

    [Fact]
    public void Parses_the_auth_handshake()
    {
        List<EventSocketMessage> messages = ParseWhole(Fixtures.Load("auth.esl"));

        Assert.Equal(["auth/request", "command/reply", "command/reply", "command/reply"], messages.Select(m => m.ContentType));
        Assert.Equal("+OK accepted", messages[1]["Reply-Text"]);
        Assert.Equal("+OK event listener enabled json", messages[2]["reply-text"]);
        Assert.Equal($"+OK filter added. [Unique-ID]=[{ChannelA}]", messages[3]["REPLY-TEXT"]);
        Assert.All(messages, m => Assert.True(m.Body.IsEmpty));
    }

    [Fact]
    public void Parses_a_refused_password_and_the_disconnect_notice()
    {
        List<EventSocketMessage> messages = ParseWhole(Fixtures.Load("auth-invalid.esl"));

        Assert.Equal("-ERR invalid", messages[1]["Reply-Text"]);
        Assert.Equal("text/disconnect-notice", messages[2].ContentType);
        Assert.Equal("Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n", messages[2].GetBodyText());
    }

    [Fact]
    public void Parses_api_responses_verbatim_including_error_strings()
    {
        List<EventSocketMessage> messages = ParseWhole(Fixtures.Load("api.esl"));

        Assert.All(messages, m => Assert.Equal("api/response", m.ContentType));
        Assert.Equal(
            [
                "true", "false", "+OK\n", "-ERR No such channel!\n", "-ERR foo Command not found!\n", "_undef_",
                "-ERR no reply\n",
                "1;loopback/7440-a;000725a9-3c1d-4e2f-8a9b-0c1d2e3f4a5b;Outbound Call;7440;hear|speak|talking|moderator;0;0;100\n"
                + $"3;sofia/internal/1001@example.com;{ChannelA};Alice;1001;hear|floor;0;0;100\n",
                "+OK kicked 3\n", "-ERR Non-Existant ID 725", "-ERR Conference NOPE not found", "+OK Success\n",
                "{\"row_count\": 0}\n",
            ],
            messages.Select(m => m.GetBodyText()));
    }

    [Fact]
    public void Parses_a_bgapi_reply_and_its_plain_background_job_with_inner_body()
    {
        List<EventSocketMessage> messages = ParseWhole(Fixtures.Load("bgapi-originate-busy.esl"));

        Assert.Equal($"+OK Job-UUID: {Job}", messages[0]["Reply-Text"]);
        Assert.Equal(Job, messages[0]["Job-UUID"]);
        Assert.Equal("621", messages[1]["Content-Length"]);
        EventSocketEvent job = EventSocketParser.ParseEvent(messages[1]);
        Assert.Equal("BACKGROUND_JOB", job.Name);
        Assert.Equal(Job, job.JobUuid);
        Assert.Null(job.UniqueId);
        Assert.Equal(5321, job.Sequence);
        Assert.Equal("originate", job["Job-Command"]);
        Assert.Equal("sofia/internal/7486@127.0.0.1:5070 &park()", job["Job-Command-Arg"]);
        Assert.Equal("15", job["Content-Length"]);
        Assert.Equal("-ERR USER_BUSY\n", job.Body);
        Assert.Equal("Sat, 07 Mar 2026 13:15:02 GMT", job["Event-Date-GMT"]);
    }

    [Fact]
    public void Decodes_json_events_with_body_arrays_and_subclasses()
    {
        List<EventSocketEvent> events = [.. ParseWhole(Fixtures.Load("events-json.esl")).Select(EventSocketParser.ParseEvent)];

        Assert.Equal(
            ["CHANNEL_ANSWER", "CUSTOM", "CUSTOM", "CUSTOM", "CHANNEL_DATA", "CHANNEL_HANGUP_COMPLETE"],
            events.Select(e => e.Name));
        EventSocketEvent answer = events[0];
        Assert.Equal(ChannelA, answer.UniqueId);
        Assert.Equal(79, answer.Headers.Count);
        Assert.Equal("+15551234567", answer["Caller-Caller-ID-Number"]);
        Assert.Equal("a=1;b=2 & c<3>", answer["variable_sip_h_X-Ticket"]);
        Assert.Null(answer.Body);
        Assert.Equal(5322, answer.Sequence);

        EventSocketEvent addMember = events[1];
        Assert.Equal("conference::maintenance", addMember.Subclass);
        Assert.Equal("add-member", addMember["Action"]);
        Assert.Equal("12", addMember["Member-ID"]);
        Assert.Equal(ChannelB, addMember.UniqueId);

        EventSocketEvent create = events[2];
        Assert.Equal("conference-create", create["Action"]);
        Assert.Null(create.UniqueId);

        EventSocketEvent play = events[3];
        Assert.Equal("mod_audio_stream::play", play.Subclass);
        Assert.Equal($"{{\"audioDataType\":\"raw\",\"sampleRate\":8000,\"file\":\"/tmp/{ChannelA}_0.tmp.r8\"}}", play.Body);
        Assert.Equal("101", play["Content-Length"]);
        Assert.False(play.Headers.ContainsKey("_body"));

        Assert.Equal(["one", "two", "three"], events[4].GetValues("variable_multi"));
        Assert.Equal("NORMAL_CLEARING", events[5]["Hangup-Cause"]);
    }

    [Fact]
    public void Decodes_plain_event_values_with_percent_decoding_that_keeps_plus()
    {
        List<EventSocketEvent> events = [.. ParseWhole(Fixtures.Load("events-plain.esl")).Select(EventSocketParser.ParseEvent)];

        EventSocketEvent answer = events[0];
        Assert.Equal("CHANNEL_ANSWER", answer.Name);
        Assert.Equal(ChannelA, answer.UniqueId);
        Assert.Equal("+15551234567", answer["Caller-Caller-ID-Number"]);
        Assert.Equal("José Doe", answer["variable_sip_from_display"]);
        Assert.Equal("a+b", answer["variable_sip_h_X-Plus"]);
        Assert.Equal("a=1;b=2 & c<3>", answer["variable_sip_h_X-Ticket"]);
        Assert.Equal("sofia/internal/1001@example.com", answer["Channel-Name"]);
        Assert.Equal("_undef_", answer["variable_empty"]);
        Assert.Equal(["one", "two"], answer.GetValues("variable_multi"));
        Assert.Null(answer.Body);

        EventSocketEvent dtmf = events[1];
        Assert.Equal("#", dtmf["DTMF-Digit"]);
        Assert.Equal(ChannelB, dtmf.UniqueId);
    }

    [Fact]
    public void Plain_and_json_forms_of_the_same_event_decode_to_the_same_headers()
    {
        EventSocketEvent json = EventSocketParser.ParseEvent(ParseWhole(Fixtures.Load("events-json.esl"))[0]);
        var headers = json.Headers.Where(h => h.Key != "Event-Sequence").ToDictionary();
        string plainBlock = string.Concat(headers.Select(h => $"{h.Key}: {Uri.EscapeDataString(h.Value)}\n")) + "\n";

        EventSocketEvent plain = EventSocketParser.ParsePlainEvent(Encoding.UTF8.GetBytes(plainBlock));

        Assert.Equal(headers.OrderBy(h => h.Key), plain.Headers.OrderBy(h => h.Key));
    }

    [Fact]
    public void Parses_log_data_linger_notice_and_rude_rejection()
    {
        List<EventSocketMessage> messages = ParseWhole(Fixtures.Load("misc.esl"));

        Assert.Equal(["log/data", "text/disconnect-notice", "text/rude-rejection"], messages.Select(m => m.ContentType));
        Assert.Equal("5", messages[0]["Log-Level"]);
        Assert.StartsWith("2026-03-07 10:15:02.123456 [NOTICE]", messages[0].GetBodyText(), StringComparison.Ordinal);
        Assert.Equal("linger", messages[1]["Content-Disposition"]);
        Assert.Equal("Access Denied, go away.\n", messages[2].GetBodyText());
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Every_split_point_of_a_fixture_parses_to_the_same_messages(string name)
    {
        byte[] wire = Fixtures.Load(name);
        List<EventSocketMessage> expected = ParseWhole(wire);
        Assert.NotEmpty(expected);

        for (int cut = 1; cut < wire.Length; cut++)
        {
            AssertSameFrames(expected, ParseIncrementally(wire, [cut]));
        }
    }

    [Fact]
    public void A_whole_session_parses_identically_when_it_arrives_one_byte_at_a_time()
    {
        byte[] wire = Fixtures.Transcript();
        List<string> expected = Render(ParseWhole(wire));

        List<string> actual = Render(ParseIncrementally(wire, [.. Enumerable.Range(1, wire.Length - 1)]));

        Assert.Equal(expected, actual);
        Assert.Equal(34, expected.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_whole_session_parses_identically_in_random_reads(int seed)
    {
        byte[] wire = Fixtures.Transcript();
        List<string> expected = Render(ParseWhole(wire));
        var random = new Random(seed);

        for (int round = 0; round < 20; round++)
        {
            Assert.Equal(expected, Render(ParseIncrementally(wire, Segments.RandomCuts(wire.Length, random, 1 + random.Next(600)))));
        }
    }

    [Fact]
    public void Several_messages_in_one_read_are_all_taken_and_a_partial_one_is_left()
    {
        byte[] wire = Encoding.UTF8.GetBytes(
            "Content-Type: api/response\nContent-Length: 4\n\ntrue" +
            "Content-Type: command/reply\nReply-Text: +OK\n\n" +
            "Content-Type: api/response\nContent-Length: 10\n\n+OK");
        var buffer = new ReadOnlySequence<byte>(wire);

        Assert.True(EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? first));
        Assert.True(EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? second));
        Assert.False(EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? third));

        Assert.Equal("true", first.GetBodyText());
        Assert.Equal("+OK", second["Reply-Text"]);
        Assert.Null(third);
        Assert.Equal("Content-Type: api/response\nContent-Length: 10\n\n+OK", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Accepts_crlf_line_endings_and_headers_in_any_order_and_case()
    {
        byte[] wire = Encoding.UTF8.GetBytes("content-length: 2\r\nCONTENT-TYPE: api/response\r\n\r\nokContent-Type: command/reply\r\nReply-Text: +OK\r\n\r\n");
        var buffer = new ReadOnlySequence<byte>(wire);

        Assert.True(EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? api));
        Assert.True(EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? reply));

        Assert.Equal("api/response", api.ContentType);
        Assert.Equal("ok", api.GetBodyText());
        Assert.Equal("+OK", reply["reply-text"]);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Blank_lines_between_messages_are_skipped()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("\n\r\n\nContent-Type: auth/request\n\n"));

        Assert.True(EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? message));
        Assert.Equal("auth/request", message.ContentType);
    }

    [Fact]
    public void A_body_over_the_size_limit_is_refused_before_it_arrives()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("Content-Type: api/response\nContent-Length: 4097\n\n"));

        var error = Assert.Throws<EventSocketException>(() => EventSocketParser.TryRead(ref buffer, 4096, out _));
        Assert.Contains("4097", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_block_that_never_ends_is_refused_at_the_limit()
    {
        byte[] wire = Encoding.UTF8.GetBytes("Content-Type: text/event-plain\n" + string.Concat(Enumerable.Repeat("X-Header: value\n", 5000)));
        var buffer = new ReadOnlySequence<byte>(wire);

        Assert.Throws<EventSocketException>(() => EventSocketParser.TryRead(ref buffer, Max, out _));
    }

    [Fact]
    public void A_header_line_without_newline_over_the_limit_is_refused()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("Content-Type: " + new string('x', 2000)));

        Assert.Throws<EventSocketException>(() => EventSocketParser.TryRead(ref buffer, 1024, out _));
    }

    [Theory]
    [InlineData("Content-Length: -1\n\n")]
    [InlineData("Content-Length: +4\n\n")]
    [InlineData("Content-Length: 4x\n\n")]
    [InlineData("Content-Length: \n\n")]
    [InlineData("Content-Length: 99999999999\n\n")]
    [InlineData("Content-Length: 1\nContent-Length: 1\n\nab")]
    [InlineData("no colon here\n\n")]
    [InlineData(": empty name\n\n")]
    [InlineData("Bad Name: value\n\n")]
    [InlineData("Content-Type: a\u0001b\n\n")]
    [InlineData("Content-Type: a\rb\n\n")]
    public void Malformed_headers_throw_the_protocol_exception(string text)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));

        Assert.Throws<EventSocketException>(() => EventSocketParser.TryRead(ref buffer, Max, out _));
    }

    [Theory]
    [InlineData("Content-Length: 5\nContent-Type: text/event-json\n\n[1,2]")]
    [InlineData("Content-Length: 2\nContent-Type: text/event-json\n\n{}")]
    [InlineData("Content-Length: 27\nContent-Type: text/event-json\n\n{\"Event-Name\":\"A\"} trailing")]
    [InlineData("Content-Length: 18\nContent-Type: text/event-json\n\n{\"Event-Name\":\"A\",")]
    [InlineData("Content-Length: 26\nContent-Type: text/event-json\n\n{\"Event-Name\":{\"x\":\"y\"}}  ")]
    [InlineData("Content-Length: 10\nContent-Type: text/event-plain\n\nNo-Name: x")]
    [InlineData("Content-Length: 38\nContent-Type: text/event-plain\n\nEvent-Name: X\nContent-Length: 50\n\nshort")]
    [InlineData("Content-Length: 5\nContent-Type: text/event-xml\n\n<x/>\n")]
    public void Malformed_event_bodies_throw_the_protocol_exception(string text)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        Assert.True(EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? message));

        Assert.Throws<EventSocketException>(() => EventSocketParser.ParseEvent(message));
    }

    [Fact]
    public void An_ordinary_header_that_is_not_decoded_at_once_is_still_checked_when_the_event_is_parsed()
    {
        // Only the routing headers are decoded eagerly; a bad value anywhere else must still fail the parse, not a
        // later header lookup on some subscriber's thread.
        byte[] invalidUtf8 = [.. "{\"Event-Name\":\"CHANNEL_ANSWER\",\"Caller-Caller-ID-Name\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        byte[] nested = "{\"Event-Name\":\"CHANNEL_ANSWER\",\"variable_x\":[\"a\",[\"b\"]]}"u8.ToArray();
        byte[] objectValue = "{\"Event-Name\":\"CHANNEL_ANSWER\",\"variable_x\":{\"a\":\"b\"}}"u8.ToArray();

        Assert.Throws<EventSocketException>(() => EventSocketParser.ParseJsonEvent(invalidUtf8));
        Assert.Throws<EventSocketException>(() => EventSocketParser.ParseJsonEvent(nested));
        Assert.Throws<EventSocketException>(() => EventSocketParser.ParseJsonEvent(objectValue));
    }

    [Fact]
    public void Headers_first_read_from_many_threads_at_once_decode_to_one_and_the_same_set()
    {
        EventSocketEvent answer = ParseWhole(Fixtures.Load("events-json.esl")).Select(EventSocketParser.ParseEvent).First();
        EventSocketEvent reference = EventSocketParser.ParseEvent(ParseWhole(Fixtures.Load("events-json.esl")).First());
        Dictionary<string, string> expected = reference.Headers.ToDictionary(h => h.Key, h => h.Value);

        IReadOnlyDictionary<string, string>[] seen = new IReadOnlyDictionary<string, string>[8];
        Parallel.For(0, seen.Length, i => seen[i] = answer.Headers);

        Assert.All(seen, headers => Assert.Equal(expected, headers.ToDictionary(h => h.Key, h => h.Value)));
        Assert.All(seen, headers => Assert.Same(answer.Headers, headers)); // one decoded set is kept
        Assert.Equal("CHANNEL_ANSWER", answer["event-name"]); // lookups stay case-insensitive
    }

    [Fact]
    public void A_prefix_yields_only_its_complete_messages_and_leaves_the_partial_one()
    {
        byte[] wire = Fixtures.Load("bgapi-originate-busy.esl");
        int firstEnd = wire.AsSpan().IndexOf("\n\n"u8) + 2;
        for (int length = 1; length < wire.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(wire, 0, length);
            int parsed = 0;
            while (EventSocketParser.TryRead(ref buffer, Max, out _))
            {
                parsed++;
            }

            Assert.Equal(length >= firstEnd ? 1 : 0, parsed);
            Assert.Equal(length >= firstEnd ? length - firstEnd : length, buffer.Length);
        }
    }

    internal static List<EventSocketMessage> ParseWhole(byte[] wire)
    {
        var buffer = new ReadOnlySequence<byte>(wire);
        var messages = new List<EventSocketMessage>();
        while (EventSocketParser.TryRead(ref buffer, Max, out EventSocketMessage? message))
        {
            messages.Add(message);
        }

        Assert.True(buffer.IsEmpty, "the whole transcript parses");
        return messages;
    }

    /// <summary>Feeds the wire as a PipeReader would: after each read, parse what is complete and keep the rest.</summary>
    internal static List<EventSocketMessage> ParseIncrementally(byte[] wire, IReadOnlyList<int> cuts, int maxMessageBytes = Max)
    {
        ReadOnlySequence<byte> all = Segments.Create(wire, cuts);
        var messages = new List<EventSocketMessage>();
        long consumed = 0;
        foreach (int available in cuts.Append(wire.Length))
        {
            ReadOnlySequence<byte> buffer = all.Slice(consumed, available - consumed);
            long before = buffer.Length;
            while (EventSocketParser.TryRead(ref buffer, maxMessageBytes, out EventSocketMessage? message))
            {
                messages.Add(message);
            }

            consumed += before - buffer.Length;
        }

        if (consumed != wire.Length)
        {
            throw new EventSocketException("Input ended in the middle of a message.");
        }

        return messages;
    }

    /// <summary>Same headers and body bytes, message for message (cheap enough to run at every split point; the event
    /// decoding only depends on the body, which this compares).</summary>
    private static void AssertSameFrames(List<EventSocketMessage> expected, List<EventSocketMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Headers.OrderBy(h => h.Key), actual[i].Headers.OrderBy(h => h.Key));
            Assert.True(expected[i].Body.Span.SequenceEqual(actual[i].Body.Span), $"body of message {i}");
        }
    }

    /// <summary>A canonical text of each message (headers sorted, body, decoded event) for comparing parses.</summary>
    internal static List<string> Render(IEnumerable<EventSocketMessage> messages) =>
    [
        .. messages.Select(m =>
        {
            string text = string.Join("\n", m.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"))
                + "\n--\n" + Convert.ToBase64String(m.Body.Span);
            if (m.ContentType is "text/event-json" or "text/event-plain")
            {
                EventSocketEvent e = EventSocketParser.ParseEvent(m);
                text += "\n--\n" + string.Join("\n", e.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"))
                    + "\n" + e.Body;
            }

            return text;
        }),
    ];
}
