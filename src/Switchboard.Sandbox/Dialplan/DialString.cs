using Switchboard.Sandbox.Api;

namespace Switchboard.Sandbox.Dialplan;

/// <summary>
/// A parsed originate dial string: <c>{global vars}</c>, then failover groups (<c>|</c>) of simultaneous legs
/// (<c>,</c> or <c>:_:</c>), each with optional <c>[per-leg vars]</c>.
/// </summary>
internal sealed class DialString
{
    public List<KeyValuePair<string, string>> Variables { get; } = [];

    public List<List<DialLeg>> Groups { get; } = [];

    public static DialString Parse(string text)
    {
        var result = new DialString();
        text = text.Trim();
        if (text.StartsWith('{'))
        {
            var end = FindClose(text, 0, '{', '}');
            if (end > 0)
            {
                ParseVariables(text[1..end], result.Variables);
                text = text[(end + 1)..];
            }
        }

        foreach (var group in SplitTopLevel(text, "|"))
        {
            var legs = new List<DialLeg>();
            foreach (var legText in SplitTopLevel(group.Replace(":_:", ",", StringComparison.Ordinal), ","))
            {
                var leg = new DialLeg();
                var t = legText.Trim();
                while (t.StartsWith('[') || t.StartsWith('<'))
                {
                    var close = FindClose(t, 0, t[0], t[0] == '[' ? ']' : '>');
                    if (close < 0)
                    {
                        break;
                    }

                    ParseVariables(t[1..close], leg.Variables);
                    t = t[(close + 1)..].Trim();
                }

                leg.Endpoint = t;
                if (t.Length > 0)
                {
                    legs.Add(leg);
                }
            }

            if (legs.Count > 0)
            {
                result.Groups.Add(legs);
            }
        }

        return result;
    }

    /// <summary><c>switch_event_create_brackets</c>: <c>a=b,c=d</c>, or another separator with a leading <c>^^X</c>.</summary>
    private static void ParseVariables(string content, List<KeyValuePair<string, string>> into)
    {
        var separator = ',';
        if (content.Length > 3 && content[0] == '^' && content[1] == '^')
        {
            separator = content[2];
            content = content[3..];
        }

        foreach (var item in ApiArguments.Split(content, separator, 1024))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                into.Add(new(item[..eq].Trim(), item[(eq + 1)..]));
            }
        }
    }

    private static int FindClose(string text, int open, char openChar, char closeChar)
    {
        var depth = 0;
        var quoted = false;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == openChar)
            {
                depth++;
            }
            else if (!quoted && c == closeChar && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> SplitTopLevel(string text, string separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && (c is '[' or '{' or '<'))
            {
                depth++;
            }
            else if (!quoted && (c is ']' or '}' or '>'))
            {
                depth--;
            }
            else if (!quoted && depth == 0 && string.CompareOrdinal(text, i, separator, 0, separator.Length) == 0)
            {
                parts.Add(text[start..i]);
                start = i + separator.Length;
                i += separator.Length - 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}

/// <summary>One leg of a dial string: its endpoint (<c>user/1001@example.com</c>) and per-leg variables.</summary>
internal sealed class DialLeg
{
    public string Endpoint { get; set; } = string.Empty;

    public List<KeyValuePair<string, string>> Variables { get; } = [];
}
