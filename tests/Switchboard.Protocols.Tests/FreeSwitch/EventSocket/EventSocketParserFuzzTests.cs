using System.Buffers;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket;

/// <summary>Seeded mutation fuzzing: whatever the bytes, the parser returns messages, returns false, or throws
/// <see cref="EventSocketException"/>, never anything else. 10 seeds × 1000 inputs.</summary>
public class EventSocketParserFuzzTests
{
    private const int InputsPerSeed = 1000;
    private static readonly byte[] Transcript = Fixtures.Transcript();

    private static readonly byte[][] Tokens =
    [
        "\n"u8.ToArray(), "\r\n"u8.ToArray(), "\n\n"u8.ToArray(), ": "u8.ToArray(), "Content-Length: "u8.ToArray(),
        "Content-Length: 999999999\n"u8.ToArray(), "Content-Type: text/event-json\n"u8.ToArray(),
        "Content-Type: text/event-plain\n"u8.ToArray(), "Content-Length: -5\n"u8.ToArray(), "%"u8.ToArray(), "%C3"u8.ToArray(),
        "{\"Event-Name\":["u8.ToArray(), "\"_body\":"u8.ToArray(), "ARRAY::"u8.ToArray(), [0], [0xFF, 0xFE], "\\u0000"u8.ToArray(),
    ];

    public static TheoryData<int> Seeds => [11, 22, 33, 44, 55, 66, 77, 88, 99, 1010];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_transcripts_only_ever_fail_with_the_protocol_exception(int seed)
    {
        var random = new Random(seed);
        int failures = 0;
        for (int i = 0; i < InputsPerSeed; i++)
        {
            byte[] input = i % 10 == 9 ? Junk(random) : Mutate(Transcript, random);
            int maxMessageBytes = random.Next(4) == 0 ? random.Next(1024, 8192) : 8 * 1024 * 1024;
            bool failed = false;
            try
            {
                foreach (EventSocketMessage message in EventSocketParserTests.ParseIncrementally(
                    input, Segments.RandomCuts(input.Length, random, 1 + random.Next(2048)), maxMessageBytes))
                {
                    if (message.ContentType is "text/event-json" or "text/event-plain" or "text/event-xml")
                    {
                        try
                        {
                            _ = EventSocketParser.ParseEvent(message);
                        }
                        catch (EventSocketException)
                        {
                            failed = true;
                        }
                    }
                }
            }
            catch (EventSocketException)
            {
                failed = true;
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, input {i}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }

            failures += failed ? 1 : 0;
        }

        // The mutations must actually hit the error paths, or this test proves nothing.
        Assert.InRange(failures, InputsPerSeed / 10, InputsPerSeed);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_bytes_fed_at_random_sizes_never_escape_the_protocol_exception(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 200; i++)
        {
            byte[] input = Junk(random);
            var buffer = new ReadOnlySequence<byte>(input);
            try
            {
                while (EventSocketParser.TryRead(ref buffer, 4096, out EventSocketMessage? message))
                {
                    Assert.True(message.Body.Length <= 4096);
                }
            }
            catch (EventSocketException)
            {
            }
        }
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var data = new List<byte>(source);
        int operations = 1 + random.Next(4);
        for (int op = 0; op < operations && data.Count > 0; op++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(64)));
                    break;
                case 3:
                    int length = Math.Min(data.Count - at, 1 + random.Next(256));
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                    break;
                case 4:
                    data.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 5:
                    // Corrupt a digit, typically of a Content-Length.
                    int digit = data.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0)
                    {
                        data[digit] = (byte)('0' + random.Next(10));
                    }

                    break;
                default:
                    data.RemoveRange(at, data.Count - at);
                    break;
            }
        }

        return [.. data];
    }

    private static byte[] Junk(Random random)
    {
        var bytes = new byte[random.Next(1, 4096)];
        random.NextBytes(bytes);
        if (random.Next(2) == 0)
        {
            // Mostly printable text with line breaks reaches deeper into the header parser.
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)(bytes[i] % 5 == 0 ? '\n' : bytes[i] % 7 == 0 ? ':' : 0x20 + (bytes[i] % 95));
            }
        }

        return bytes;
    }
}
