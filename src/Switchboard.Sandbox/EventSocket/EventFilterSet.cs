using System.Text.RegularExpressions;
using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.EventSocket;

/// <summary>
/// A connection's filters with the semantics of mod_event_socket's <c>event_handler</c>: once any filter exists an event
/// passes only if a positive filter matches it and no negative filter does; a filter whose header the event lacks does
/// not match; <c>/regex/flags</c> values are regular expressions, others compare case-insensitively.
/// </summary>
internal sealed class EventFilterSet
{
    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(50);
    private readonly Lock _gate = new();
    private readonly List<KeyValuePair<string, string>> _filters = [];
    private bool _created;

    /// <summary>The <c>filter</c> command (everything after <c>filter </c>); returns the reply text.</summary>
    public string Apply(string arguments)
    {
        var headerName = arguments.TrimStart(' ');
        string? headerValue = null;
        var space = headerName.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 0)
        {
            headerValue = headerName[(space + 1)..];
            headerName = headerName[..space];
        }

        lock (_gate)
        {
            _created = true;
            if (string.Equals(headerName, "delete", StringComparison.OrdinalIgnoreCase) && headerValue is not null)
            {
                headerName = headerValue;
                headerValue = null;
                space = headerName.IndexOf(' ', StringComparison.Ordinal);
                if (space >= 0)
                {
                    headerValue = headerName[(space + 1)..];
                    headerName = headerName[..space];
                }

                if (string.Equals(headerName, "all", StringComparison.OrdinalIgnoreCase))
                {
                    _filters.Clear();
                }
                else
                {
                    var name = headerName;
                    var value = headerValue;
                    _filters.RemoveAll(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)
                        && (value is null || f.Value == value));
                }

                return $"+OK filter deleted. [{headerName}][{headerValue}]";
            }

            if (headerValue is not null)
            {
                if (string.Equals(headerName, "add", StringComparison.OrdinalIgnoreCase))
                {
                    headerName = headerValue;
                    headerValue = null;
                    space = headerName.IndexOf(' ', StringComparison.Ordinal);
                    if (space >= 0)
                    {
                        headerValue = headerName[(space + 1)..];
                        headerName = headerName[..space];
                    }

                    if (headerValue is null)
                    {
                        // switch_event_add_header_string with a NULL value adds nothing; the reply prints "(null)".
                        return $"+OK filter added. [{headerName}]=[(null)]";
                    }
                }

                _filters.Add(new(headerName, headerValue));
                return $"+OK filter added. [{headerName}]=[{headerValue}]";
            }

            return "-ERR invalid syntax";
        }
    }

    public bool Passes(SandboxEvent e)
    {
        lock (_gate)
        {
            if (!_created || _filters.Count == 0)
            {
                return true;
            }

            var send = false;
            foreach (var filter in _filters)
            {
                var value = e.Get(filter.Key);
                if (value is null)
                {
                    continue;
                }

                var compareTo = filter.Value;
                var positive = true;
                var i = 0;
                while (i < compareTo.Length)
                {
                    var c = compareTo[i];
                    if (c == '+')
                    {
                        positive = true;
                    }
                    else if (c == '-')
                    {
                        positive = false;
                    }
                    else if (c != ' ')
                    {
                        break;
                    }

                    i++;
                }

                if (send && positive)
                {
                    continue;
                }

                compareTo = compareTo[i..];
                var match = filter.Value.StartsWith('/')
                    ? RegexMatches(value, compareTo)
                    : string.Equals(value, compareTo, StringComparison.OrdinalIgnoreCase);
                if (match)
                {
                    if (positive)
                    {
                        send = true;
                    }
                    else
                    {
                        return false;
                    }
                }
            }

            return send;
        }
    }

    /// <summary><c>switch_regex_perform</c>: <c>/pattern/flags</c> with <c>i</c> and <c>s</c>; a bad pattern matches nothing.</summary>
    private static bool RegexMatches(string value, string expression)
    {
        var pattern = expression;
        var options = RegexOptions.CultureInvariant;
        if (pattern.StartsWith('/'))
        {
            var end = pattern.LastIndexOf('/');
            if (end <= 0)
            {
                return false;
            }

            var flags = pattern[(end + 1)..];
            pattern = pattern[1..end];
            if (flags.Contains('i', StringComparison.Ordinal))
            {
                options |= RegexOptions.IgnoreCase;
            }

            if (flags.Contains('s', StringComparison.Ordinal))
            {
                options |= RegexOptions.Singleline;
            }
        }

        try
        {
            return Regex.IsMatch(value, pattern, options, RegexBudget);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
