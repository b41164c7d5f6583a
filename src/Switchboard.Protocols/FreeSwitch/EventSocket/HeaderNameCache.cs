using System.Collections.Concurrent;
using System.Text;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Shares header name strings between events: a channel event repeats the same 70-130 names every time, so
/// looking them up by span saves that many allocations per event. Bounded so unusual names cannot grow it forever.</summary>
internal static class HeaderNameCache
{
    private const int MaxEntries = 4096;
    private const int MaxNameBytes = 128;

    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByChars =
        Names.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxNameBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxNameBytes];
        ReadOnlySpan<char> name = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        if (ByChars.TryGetValue(name, out string? cached))
        {
            return cached;
        }

        string created = new(name);
        if (Names.Count < MaxEntries)
        {
            Names.TryAdd(created, created);
        }

        return created;
    }
}
