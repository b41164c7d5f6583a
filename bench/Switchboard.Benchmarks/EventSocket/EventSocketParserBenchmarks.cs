using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Switchboard.Protocols.FreeSwitch.EventSocket;

namespace Switchboard.Benchmarks.EventSocket;

/// <summary>ESL framing and event decoding: a ~3 KB CHANNEL_ANSWER JSON event (79 headers, the size verified Q8 measured)
/// and a short api/response, each as one segment and as ~512-byte segments (what a socket read usually hands over).</summary>
[MemoryDiagnoser]
public class EventSocketParserBenchmarks
{
    private ReadOnlySequence<byte> _jsonSingle;
    private ReadOnlySequence<byte> _jsonMulti;
    private ReadOnlySequence<byte> _apiSingle;
    private ReadOnlySequence<byte> _apiMulti;

    [GlobalSetup]
    public void Setup()
    {
        byte[] json = JsonEventFrame();
        byte[] api = Encoding.UTF8.GetBytes("Content-Type: api/response\nContent-Length: 41\n\n+OK 9c1e7d42-5a3b-4f1c-8e2d-0b9a8c7d6e53\n");
        _jsonSingle = new ReadOnlySequence<byte>(json);
        _jsonMulti = Split(json, 512);
        _apiSingle = new ReadOnlySequence<byte>(api);
        _apiMulti = Split(api, 16);
    }

    [Benchmark]
    public EventSocketEvent JsonEventSingleSegment() => ParseEvent(_jsonSingle);

    [Benchmark]
    public EventSocketEvent JsonEventMultiSegment() => ParseEvent(_jsonMulti);

    [Benchmark]
    public EventSocketMessage JsonFrameOnlySingleSegment() => Frame(_jsonSingle);

    [Benchmark]
    public EventSocketMessage ApiResponseSingleSegment() => Frame(_apiSingle);

    [Benchmark]
    public EventSocketMessage ApiResponseMultiSegment() => Frame(_apiMulti);

    private static EventSocketEvent ParseEvent(ReadOnlySequence<byte> buffer) => EventSocketParser.ParseEvent(Frame(buffer));

    private static EventSocketMessage Frame(ReadOnlySequence<byte> buffer) =>
        EventSocketParser.TryRead(ref buffer, 8 * 1024 * 1024, out EventSocketMessage? message)
            ? message
            : throw new InvalidOperationException("incomplete");

    private static byte[] JsonEventFrame()
    {
        var headers = new Dictionary<string, string>
        {
            ["Event-Name"] = "CHANNEL_ANSWER",
            ["Core-UUID"] = "6a3c4f2e-8b1d-4c3e-9f00-5e2d7a1b9c40",
            ["FreeSWITCH-Hostname"] = "pbx1",
            ["Event-Date-Timestamp"] = "1772889302123456",
            ["Event-Sequence"] = "5322",
            ["Unique-ID"] = "4b2c9f0e-1d2a-4e8b-9c3f-7a6d5e4c3b21",
            ["Caller-Caller-ID-Number"] = "+15551234567",
            ["Caller-Caller-ID-Name"] = "John Doe",
        };
        for (int i = 0; headers.Count < 79; i++)
        {
            headers[$"variable_name_{i}"] = $"channel value {i}";
        }

        string body = System.Text.Json.JsonSerializer.Serialize(headers);
        Console.WriteLine($"JSON event body: {Encoding.UTF8.GetByteCount(body)} bytes, {headers.Count} headers");
        return Encoding.UTF8.GetBytes($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\nContent-Type: text/event-json\n\n{body}");
    }

    private static ReadOnlySequence<byte> Split(byte[] data, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (int offset = 0; offset < data.Length; offset += size)
        {
            var memory = data.AsMemory(offset, Math.Min(size, data.Length - offset));
            if (last is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last.Append(memory);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
