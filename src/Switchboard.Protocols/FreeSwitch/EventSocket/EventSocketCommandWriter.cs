using System.Globalization;
using System.Text;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Serialises client→FreeSWITCH commands: the command line, header lines, a blank line, then an optional body
/// announced by <c>Content-Length</c> (freeswitch.md §1.2).</summary>
internal static class EventSocketCommandWriter
{
    /// <summary>FreeSWITCH drops the connection on a command body over 16 MiB (§1.2).</summary>
    public const int MaxCommandBodyBytes = 16 * 1024 * 1024;

    public static byte[] Format(string commandLine, IEnumerable<KeyValuePair<string, string>>? headers = null, string? body = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandLine);
        EnsureSingleLine(commandLine, nameof(commandLine));

        var text = new StringBuilder(commandLine.Length + 64);
        text.Append(commandLine).Append('\n');
        foreach (KeyValuePair<string, string> header in headers ?? [])
        {
            if (header.Key.Length == 0 || header.Key.AsSpan().IndexOfAny(": \t\r\n") >= 0)
            {
                throw new ArgumentException($"'{header.Key}' is not a valid header name.", nameof(headers));
            }

            EnsureSingleLine(header.Value, nameof(headers));
            text.Append(header.Key).Append(": ").Append(header.Value).Append('\n');
        }

        if (body is null)
        {
            text.Append('\n');
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        int bodyBytes = Encoding.UTF8.GetByteCount(body);
        if (bodyBytes > MaxCommandBodyBytes)
        {
            throw new ArgumentException($"A command body may not exceed {MaxCommandBodyBytes} bytes.", nameof(body));
        }

        text.Append("Content-Length: ").Append(bodyBytes.ToString(CultureInfo.InvariantCulture)).Append("\n\n").Append(body);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A CR or LF inside a command line or header value would end the command early and let the rest be read
    /// as another command (command injection), so it is refused.</summary>
    public static void EnsureSingleLine(string value, string parameterName)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("Event Socket command text may not contain CR or LF.", parameterName);
        }
    }
}
