using System.Buffers;
using System.Globalization;
using System.Security;
using System.Text;

namespace Switchboard.Sandbox.Events;

/// <summary>An approximation of <c>switch_event_xmlize</c> for clients that ask for <c>event xml</c>.</summary>
internal static class EventXml
{
    public static byte[] Serialize(SandboxEvent e)
    {
        var sb = new StringBuilder(4096);
        sb.Append("<event>\n  <headers>\n");
        foreach (var header in e.Headers)
        {
            Element(sb, header.Key, EventSerializer.UrlEncode(header.Value));
        }

        if (e.Body is not null)
        {
            Element(sb, "Content-Length", Encoding.UTF8.GetByteCount(e.Body).ToString(CultureInfo.InvariantCulture));
        }

        sb.Append("  </headers>\n");
        if (e.Body is not null)
        {
            sb.Append("  <body>").Append(SecurityElement.Escape(e.Body)).Append("</body>\n");
        }

        sb.Append("</event>");
        var buffer = new ArrayBufferWriter<byte>(sb.Length + 16);
        EventSerializer.Write(buffer, sb.ToString());
        return buffer.WrittenSpan.ToArray();
    }

    private static void Element(StringBuilder sb, string name, string value) =>
        sb.Append("    <").Append(name).Append('>').Append(SecurityElement.Escape(value)).Append("</").Append(name).Append(">\n");
}
