using System.Buffers;
using System.Text;

namespace Switchboard.Sandbox.EventSocket;

internal enum CommandReadStatus
{
    Incomplete,
    Complete,

    /// <summary>A negative or oversized <c>Content-Length</c>: FreeSWITCH drops the connection.</summary>
    Violation,
}

/// <summary>
/// Incremental reader of client commands with the rules of <c>read_packet</c> in mod_event_socket: leading blank lines
/// are skipped, a block ends at two LFs with only CRs between them (or when it reaches 10 MiB), a
/// <c>Content-Length</c> above 16 MiB or below zero is refused.
/// </summary>
internal sealed class EventSocketCommandReader
{
    public const int MaxHeaderBytes = 10 * 1024 * 1024;
    public const int MaxContentLength = 16 * 1024 * 1024;

    private long _scanned;
    private int _lineFeeds;
    private long _headerEnd = -1;

    public CommandReadStatus TryRead(ref ReadOnlySequence<byte> buffer, out EventSocketCommand? command)
    {
        command = null;

        if (_scanned == 0 && _headerEnd < 0)
        {
            // FreeSWITCH discards CR/LF bytes seen while no command has started.
            var skip = 0L;
            foreach (var segment in buffer)
            {
                var span = segment.Span;
                var i = 0;
                while (i < span.Length && (span[i] == '\r' || span[i] == '\n'))
                {
                    i++;
                }

                skip += i;
                if (i < span.Length)
                {
                    break;
                }
            }

            buffer = buffer.Slice(skip);
        }

        if (_headerEnd < 0)
        {
            var reader = new SequenceReader<byte>(buffer);
            reader.Advance(_scanned);
            while (reader.TryRead(out var b))
            {
                _scanned++;
                if (b == '\n')
                {
                    _lineFeeds++;
                }
                else if (b != '\r')
                {
                    _lineFeeds = 0;
                }

                if (_lineFeeds == 2 || _scanned >= MaxHeaderBytes)
                {
                    _headerEnd = _scanned;
                    break;
                }
            }

            if (_headerEnd < 0)
            {
                return CommandReadStatus.Incomplete;
            }
        }

        var text = Encoding.UTF8.GetString(buffer.Slice(0, _headerEnd));
        var lines = text.Split('\n');
        var line = lines[0].TrimEnd('\r');
        var headers = new List<KeyValuePair<string, string>>();
        var contentLength = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            var l = lines[i];
            var cut = l.IndexOfAny(['\r', '\n']);
            if (cut >= 0)
            {
                l = l[..cut];
            }

            if (l.Length == 0)
            {
                continue;
            }

            var colon = l.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var name = l[..colon];
            var value = l[(colon + 1)..].TrimStart(' ');
            headers.Add(new(name, value));
            if (string.Equals(name, "content-length", StringComparison.OrdinalIgnoreCase))
            {
                var length = HangupCauses.Atoi(value);
                if (length < 0 || length > MaxContentLength)
                {
                    return CommandReadStatus.Violation;
                }

                contentLength = length;
            }
        }

        string? body = null;
        if (contentLength > 0)
        {
            if (buffer.Length - _headerEnd < contentLength)
            {
                return CommandReadStatus.Incomplete;
            }

            body = Encoding.UTF8.GetString(buffer.Slice(_headerEnd, contentLength));
            var nul = body.IndexOf('\0', StringComparison.Ordinal);
            if (nul >= 0)
            {
                body = body[..nul];
            }
        }

        buffer = buffer.Slice(_headerEnd + contentLength);
        _scanned = 0;
        _lineFeeds = 0;
        _headerEnd = -1;
        command = new EventSocketCommand(line, headers, body);
        return CommandReadStatus.Complete;
    }
}
