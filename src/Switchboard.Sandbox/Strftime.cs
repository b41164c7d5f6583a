using System.Globalization;
using System.Text;

namespace Switchboard.Sandbox;

/// <summary>The C <c>strftime</c> conversions FreeSWITCH dialplans use (<c>${strftime(%Y/%b/%d)}</c>), in the C locale.</summary>
internal static class Strftime
{
    public static string Format(string format, DateTimeOffset time)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(format.Length + 16);
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            var spec = format[++i];
            sb.Append(spec switch
            {
                'Y' => time.ToString("yyyy", c),
                'y' => time.ToString("yy", c),
                'm' => time.ToString("MM", c),
                'd' => time.ToString("dd", c),
                'e' => time.Day.ToString(c).PadLeft(2),
                'b' or 'h' => time.ToString("MMM", c),
                'B' => time.ToString("MMMM", c),
                'a' => time.ToString("ddd", c),
                'A' => time.ToString("dddd", c),
                'H' => time.ToString("HH", c),
                'I' => time.ToString("hh", c),
                'M' => time.ToString("mm", c),
                'S' => time.ToString("ss", c),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'j' => time.DayOfYear.ToString("000", c),
                's' => time.ToUnixTimeSeconds().ToString(c),
                'T' => time.ToString("HH:mm:ss", c),
                'F' => time.ToString("yyyy-MM-dd", c),
                'D' => time.ToString("MM/dd/yy", c),
                'Z' => "UTC",
                'z' => time.ToString("zzz", c).Replace(":", string.Empty, StringComparison.Ordinal),
                'n' => "\n",
                't' => "\t",
                '%' => "%",
                _ => "%" + spec,
            });
        }

        return sb.ToString();
    }
}
