using System.Text;

namespace Switchboard.Sandbox.Api;

/// <summary>
/// A port of <c>switch_separate_string</c>: splits on a delimiter, single quotes group (and are removed), a backslash
/// escapes the next character, double quotes are ordinary, and when the array is full the last element keeps the
/// rest of the line. A leading <c>^^X</c> switches the delimiter to <c>X</c>.
/// </summary>
internal static class ApiArguments
{
    private const char Escape = '\\';

    public static string[] Split(string? text, char delimiter, int max)
    {
        if (string.IsNullOrEmpty(text) || max <= 0)
        {
            return [];
        }

        var buf = text;
        if (buf.Length > 3 && buf[0] == '^' && buf[1] == '^')
        {
            delimiter = buf[2];
            buf = buf[3..];
        }

        return delimiter == ' ' ? SplitBlank(buf, max) : SplitChar(buf, delimiter, max);
    }

    private static string[] SplitChar(string buf, char delim, int max)
    {
        var starts = new List<int>();
        var ends = new List<int>();
        var insideQuotes = false;
        var findDelim = false;
        var p = 0;
        while (p < buf.Length && starts.Count < max)
        {
            if (!findDelim)
            {
                starts.Add(p);
                ends.Add(buf.Length);
                findDelim = true;
                continue;
            }

            var c = buf[p];
            if (c == Escape)
            {
                p++;
            }
            else if (c == '\'' && (insideQuotes || buf.IndexOf('\'', p + 1) >= 0))
            {
                insideQuotes = !insideQuotes;
            }
            else if (c == delim && !insideQuotes)
            {
                ends[^1] = p;
                findDelim = false;
            }

            p++;
        }

        var result = new string[starts.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            var end = Math.Min(ends[i], buf.Length);
            result[i] = Cleanup(buf[starts[i]..end], delim);
        }

        return result;
    }

    private static string[] SplitBlank(string buf, int max)
    {
        var starts = new List<int>();
        var ends = new List<int>();
        var insideQuotes = false;
        var state = 0; // 0 START, 1 SKIP_INITIAL_SPACE, 2 FIND_DELIM, 3 SKIP_ENDING_SPACE
        var p = 0;
        while (p < buf.Length && starts.Count < max)
        {
            switch (state)
            {
                case 0:
                    starts.Add(p);
                    ends.Add(buf.Length);
                    state = 1;
                    break;
                case 1:
                    if (buf[p] == ' ')
                    {
                        p++;
                    }
                    else
                    {
                        state = 2;
                    }

                    break;
                case 2:
                    if (buf[p] == Escape)
                    {
                        p++;
                    }
                    else if (buf[p] == '\'')
                    {
                        insideQuotes = !insideQuotes;
                    }
                    else if (buf[p] == ' ' && !insideQuotes)
                    {
                        ends[^1] = p;
                        state = 3;
                    }

                    p++;
                    break;
                default:
                    if (buf[p] == ' ')
                    {
                        p++;
                    }
                    else
                    {
                        state = 0;
                    }

                    break;
            }
        }

        var result = new string[starts.Count];
        for (var i = 0; i < starts.Count; i++)
        {
            var end = Math.Min(ends[i], buf.Length);
            result[i] = Cleanup(buf[starts[i]..end], '\0');
        }

        return result;
    }

    /// <summary><c>cleanup_separated_string</c>: strip leading spaces, quotes, escapes and trailing unquoted spaces.</summary>
    private static string Cleanup(string str, char delim)
    {
        var ptr = 0;
        while (ptr < str.Length && str[ptr] == ' ')
        {
            ptr++;
        }

        var dest = new StringBuilder(str.Length);
        var end = -1;
        var insideQuotes = false;
        for (; ptr < str.Length; ptr++)
        {
            var esc = false;
            if (str[ptr] == Escape && ptr + 1 < str.Length)
            {
                var e = str[ptr + 1];
                var unescaped = Unescape(e);
                if (e == '\'' || e == '"' || (delim != '\0' && e == delim) || e == Escape || unescaped != e)
                {
                    ptr++;
                    dest.Append(unescaped == e ? e : unescaped);
                    end = dest.Length;
                    esc = true;
                }
            }

            if (!esc)
            {
                var c = str[ptr];
                if (c == '\'' && (insideQuotes || str.IndexOf('\'', ptr + 1) >= 0))
                {
                    insideQuotes = !insideQuotes;
                    if (insideQuotes)
                    {
                        end = dest.Length;
                    }
                }
                else
                {
                    dest.Append(c);
                    if (c != ' ' || insideQuotes)
                    {
                        end = dest.Length;
                    }
                }
            }
        }

        if (end >= 0)
        {
            dest.Length = end;
        }

        return dest.ToString();
    }

    private static char Unescape(char c) => c switch
    {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        's' => ' ',
        _ => c,
    };
}
