using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switchboard.Sandbox.Events;

/// <summary>
/// The two wire forms of an event: <c>switch_event_serialize</c> (URL-encoded plain) and
/// <c>switch_event_serialize_json</c> (cJSON, every value a string).
/// </summary>
internal static class EventSerializer
{
    private const string Hex = "0123456789ABCDEF";
    private const string Unsafe = "\r\n #%&+:;<=>?@[\\]^`{|}\"";

    public static byte[] SerializePlain(SandboxEvent e) => SerializePlain(e, encode: true);

    /// <summary>Plain form; without encoding every value is written as <c>[value]</c> (<c>uuid_dump … plain</c>).</summary>
    public static byte[] SerializePlain(SandboxEvent e, bool encode)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        foreach (var header in e.Headers)
        {
            Write(buffer, header.Key);
            Write(buffer, ": ");
            var before = buffer.WrittenCount;
            if (encode)
            {
                UrlEncode(buffer, header.Value);
            }
            else
            {
                Write(buffer, "[" + header.Value + "]");
            }

            if (buffer.WrittenCount == before)
            {
                Write(buffer, "_undef_");
            }

            Write(buffer, "\n");
        }

        if (!string.IsNullOrEmpty(e.Body))
        {
            var body = Encoding.UTF8.GetBytes(e.Body);
            Write(buffer, "Content-Length: ");
            Write(buffer, body.Length.ToString(CultureInfo.InvariantCulture));
            Write(buffer, "\n\n");
            buffer.Write(body);
        }
        else
        {
            Write(buffer, "\n");
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] SerializeJson(SandboxEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        Write(buffer, "{");
        var first = true;
        foreach (var header in e.Headers)
        {
            Member(buffer, header.Key, header.Value, ref first);
        }

        if (e.Body is not null)
        {
            Member(buffer, "Content-Length", Encoding.UTF8.GetByteCount(e.Body).ToString(CultureInfo.InvariantCulture), ref first);
            Member(buffer, "_body", e.Body, ref first);
        }

        Write(buffer, "}");
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>switch_url_encode</c>: bytes below 0x20, above 0x7E and the unsafe set become <c>%XX</c>; an existing
    /// <c>%XX</c> with upper-case hex digits is kept.
    /// </summary>
    public static void UrlEncode(IBufferWriter<byte> output, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var span = output.GetSpan(bytes.Length * 3);
        var x = 0;
        for (var p = 0; p < bytes.Length; p++)
        {
            var c = bytes[p];
            var keep = c == '%' && bytes.Length - 1 - p > 1 && IsUpperHex(bytes[p + 1]) && IsUpperHex(bytes[p + 2]);
            if (!keep && (c < 0x20 || c > 0x7E || Unsafe.Contains((char)c, StringComparison.Ordinal)))
            {
                span[x++] = (byte)'%';
                span[x++] = (byte)Hex[c >> 4];
                span[x++] = (byte)Hex[c & 0x0F];
            }
            else
            {
                span[x++] = c;
            }
        }

        output.Advance(x);
    }

    public static string UrlEncode(string value)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length * 3 + 1);
        UrlEncode(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>cJSON string escaping: quote, backslash, the five short escapes, other controls as <c>\u00xx</c>; UTF-8 passes through.</summary>
    public static void WriteJsonString(IBufferWriter<byte> output, string value)
    {
        Write(output, "\"");
        var bytes = Encoding.UTF8.GetBytes(value);
        var span = output.GetSpan(bytes.Length * 6 + 1);
        var x = 0;
        foreach (var c in bytes)
        {
            switch (c)
            {
                case (byte)'"': span[x++] = (byte)'\\'; span[x++] = (byte)'"'; break;
                case (byte)'\\': span[x++] = (byte)'\\'; span[x++] = (byte)'\\'; break;
                case (byte)'\b': span[x++] = (byte)'\\'; span[x++] = (byte)'b'; break;
                case (byte)'\f': span[x++] = (byte)'\\'; span[x++] = (byte)'f'; break;
                case (byte)'\n': span[x++] = (byte)'\\'; span[x++] = (byte)'n'; break;
                case (byte)'\r': span[x++] = (byte)'\\'; span[x++] = (byte)'r'; break;
                case (byte)'\t': span[x++] = (byte)'\\'; span[x++] = (byte)'t'; break;
                default:
                    if (c < 0x20)
                    {
                        span[x++] = (byte)'\\';
                        span[x++] = (byte)'u';
                        span[x++] = (byte)'0';
                        span[x++] = (byte)'0';
                        span[x++] = (byte)"0123456789abcdef"[c >> 4];
                        span[x++] = (byte)"0123456789abcdef"[c & 0x0F];
                    }
                    else
                    {
                        span[x++] = c;
                    }

                    break;
            }
        }

        output.Advance(x);
        Write(output, "\"");
    }

    public static void Write(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(ascii.Length));
        output.Advance(Encoding.UTF8.GetBytes(ascii, span));
    }

    private static void Member(IBufferWriter<byte> output, string name, string value, ref bool first)
    {
        if (!first)
        {
            Write(output, ",");
        }

        first = false;
        WriteJsonString(output, name);
        Write(output, ":");
        WriteJsonString(output, value);
    }

    private static bool IsUpperHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F';
}
