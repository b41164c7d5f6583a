using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Frames Event Socket messages: <c>Name: value\n</c> header lines ended by a blank line (<c>\r\n</c> accepted),
/// then exactly Content-Length body bytes with no terminator (freeswitch.md §1.2). Incomplete input returns false;
/// malformed or oversized input throws <see cref="EventSocketException"/>.</summary>
public static partial class EventSocketParser
{
    /// <summary>Largest accepted header block (FreeSWITCH's outer headers are a few short lines; event headers travel
    /// inside the body).</summary>
    public const int MaxHeaderBlockBytes = 64 * 1024;

    private const int MaxContentLengthLineBytes = 128;

    // Bytes allowed nowhere in a header line: controls other than tab, and DEL. CR/LF are the framing itself.
    private static readonly SearchValues<byte> ForbiddenHeaderBytes = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F]);

    /// <summary>Takes one whole message off the front of <paramref name="buffer"/>. Returns false (consuming at most
    /// leading blank lines) when the message is not complete yet.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxMessageBytes, [NotNullWhen(true)] out EventSocketMessage? message)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        message = null;

        // FreeSWITCH itself ignores blank lines before a command (§1.2); accept them between messages too.
        var skip = new SequenceReader<byte>(buffer);
        long blank = skip.AdvancePastAny((byte)'\n', (byte)'\r');
        if (blank > 0)
        {
            buffer = buffer.Slice(blank);
        }

        if (buffer.IsEmpty)
        {
            return false;
        }

        int headerLimit = Math.Min(MaxHeaderBlockBytes, maxMessageBytes);

        // Pass 1 finds the end of the header block and the Content-Length without allocating, so a message that
        // arrives in many reads costs no garbage until it is complete.
        var reader = new SequenceReader<byte>(buffer);
        long contentLength = 0;
        bool sawContentLength = false;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (buffer.Length > headerLimit)
                {
                    throw new EventSocketException($"Header block exceeds {headerLimit} bytes.");
                }

                return false;
            }

            if (reader.Consumed > headerLimit)
            {
                throw new EventSocketException($"Header block exceeds {headerLimit} bytes.");
            }

            if (IsBlank(line))
            {
                break;
            }

            if (TryParseContentLength(line, maxMessageBytes, out long length))
            {
                if (sawContentLength)
                {
                    throw new EventSocketException("Duplicate Content-Length header.");
                }

                sawContentLength = true;
                contentLength = length;
            }
        }

        long headerEnd = reader.Consumed;
        if (reader.Remaining < contentLength)
        {
            return false;
        }

        // Pass 2: the message is complete; materialise it.
        var headers = new Dictionary<string, string>(4, StringComparer.OrdinalIgnoreCase);
        var lines = new SequenceReader<byte>(buffer.Slice(0, headerEnd));
        while (lines.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n') && !IsBlank(line))
        {
            ParseHeaderLine(line, headers, urlDecode: false);
        }

        byte[] body = [];
        if (contentLength > 0)
        {
            body = GC.AllocateUninitializedArray<byte>((int)contentLength);
            buffer.Slice(headerEnd, contentLength).CopyTo(body);
        }

        buffer = buffer.Slice(headerEnd + contentLength);
        message = new EventSocketMessage(headers, body);
        return true;
    }

    private static bool IsBlank(in ReadOnlySequence<byte> line) =>
        line.IsEmpty || (line.Length == 1 && line.FirstSpan[0] == (byte)'\r');

    private static bool TryParseContentLength(in ReadOnlySequence<byte> line, int maxMessageBytes, out long length)
    {
        length = 0;
        ReadOnlySpan<byte> prefix = "Content-Length:"u8;
        if (line.Length < prefix.Length)
        {
            return false;
        }

        Span<byte> scratch = stackalloc byte[MaxContentLengthLineBytes];
        scoped ReadOnlySpan<byte> head;
        if (line.FirstSpan.Length >= prefix.Length)
        {
            head = line.FirstSpan[..prefix.Length];
        }
        else
        {
            line.Slice(0, prefix.Length).CopyTo(scratch);
            head = scratch[..prefix.Length];
        }

        if (!Ascii.EqualsIgnoreCase(head, prefix))
        {
            return false;
        }

        if (line.Length > MaxContentLengthLineBytes)
        {
            throw new EventSocketException("Content-Length line is too long.");
        }

        line.CopyTo(scratch);
        ReadOnlySpan<byte> value = scratch[prefix.Length..(int)line.Length];
        length = ParseLength(value, maxMessageBytes);
        return true;
    }

    /// <summary>Parses a Content-Length value: ASCII digits only (no sign), at most <paramref name="maxMessageBytes"/>.</summary>
    private static long ParseLength(ReadOnlySpan<byte> value, int maxMessageBytes)
    {
        value = value.Trim(" \t\r"u8);
        if (value.IsEmpty || value.Length > 10 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || !Utf8Parser.TryParse(value, out long length, out int consumed) || consumed != value.Length)
        {
            throw new EventSocketException($"Invalid Content-Length '{Encoding.ASCII.GetString(value)}'.");
        }

        if (length > maxMessageBytes)
        {
            throw new EventSocketException($"Content-Length {length} exceeds the {maxMessageBytes}-byte limit.");
        }

        return length;
    }

    private static void ParseHeaderLine(in ReadOnlySequence<byte> line, Dictionary<string, string> headers, bool urlDecode)
    {
        if (line.IsSingleSegment)
        {
            ParseHeaderLine(line.FirstSpan, headers, urlDecode);
            return;
        }

        int length = (int)line.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            line.CopyTo(rented);
            ParseHeaderLine(rented.AsSpan(0, length), headers, urlDecode);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void ParseHeaderLine(ReadOnlySpan<byte> line, Dictionary<string, string> headers, bool urlDecode)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.IndexOfAny(ForbiddenHeaderBytes) >= 0)
        {
            throw new EventSocketException("Header line contains a control character.");
        }

        int colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw new EventSocketException("Header line is not 'Name: value'.");
        }

        ReadOnlySpan<byte> name = line[..colon];
        if (name.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
        {
            throw new EventSocketException("Header name contains a space or a non-ASCII byte.");
        }

        ReadOnlySpan<byte> value = line[(colon + 1)..].TrimStart(" \t"u8);
        string nameText = HeaderName(name);
        string valueText = HeaderValue(nameText, value);
        if (urlDecode && valueText.Contains('%', StringComparison.Ordinal))
        {
            // FreeSWITCH percent-encodes plain event values and never writes '+' for a space: UnescapeDataString
            // decodes UTF-8 and leaves '+' alone (HttpUtility.UrlDecode would not), freeswitch.md §1.6.
            valueText = Uri.UnescapeDataString(valueText);
        }

        headers[nameText] = valueText;
    }

    private static string HeaderName(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("Content-Type"u8) => EventSocketHeaders.ContentType,
        _ when name.SequenceEqual("Content-Length"u8) => EventSocketHeaders.ContentLength,
        _ when name.SequenceEqual("Reply-Text"u8) => EventSocketHeaders.ReplyText,
        _ when name.SequenceEqual("Job-UUID"u8) => EventSocketHeaders.JobUuid,
        _ when name.SequenceEqual("Content-Disposition"u8) => EventSocketHeaders.ContentDisposition,
        _ => HeaderNameCache.Get(name),
    };

    private static string HeaderValue(string name, ReadOnlySpan<byte> value)
    {
        if (ReferenceEquals(name, EventSocketHeaders.ContentType))
        {
            if (value.SequenceEqual("text/event-json"u8))
            {
                return EventSocketHeaders.EventJson;
            }

            if (value.SequenceEqual("api/response"u8))
            {
                return EventSocketHeaders.ApiResponse;
            }

            if (value.SequenceEqual("command/reply"u8))
            {
                return EventSocketHeaders.CommandReply;
            }

            if (value.SequenceEqual("text/event-plain"u8))
            {
                return EventSocketHeaders.EventPlain;
            }
        }

        return value.IsEmpty ? string.Empty : Encoding.UTF8.GetString(value);
    }
}
