using System.Globalization;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

public static partial class EventSocketCommands
{
    /// <summary><c>conference &lt;name&gt; list</c>, parsed (freeswitch.md §4.3, verified Q5). A conference that does not exist
    /// (<c>-ERR Conference X not found</c>) has no members, so the result is empty rather than an exception: dynamic
    /// conferences disappear when their last member leaves.</summary>
    public static async Task<IReadOnlyList<ConferenceMember>> ConferenceListAsync(this EventSocketClient client, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        string command = $"conference {ConferenceName(name)} list";
        string reply = await client.ApiAsync(command, ct);
        if (reply.StartsWith("-ERR", StringComparison.Ordinal))
        {
            if (reply.StartsWith("-ERR Conference ", StringComparison.Ordinal) && reply.TrimEnd().EndsWith("not found", StringComparison.Ordinal))
            {
                return [];
            }

            throw new EventSocketCommandException(command, reply);
        }

        return ParseConferenceList(reply);
    }

    /// <summary>The member id of the channel <paramref name="uuid"/> in the conference, or null if it is not a member.
    /// Member commands need this id: a UUID given to them is read with atoi() and hits another member (verified Q5).</summary>
    public static async Task<int?> ConferenceMemberIdAsync(this EventSocketClient client, string name, string uuid, CancellationToken ct)
    {
        IReadOnlyList<ConferenceMember> members = await ConferenceListAsync(client, name, ct);
        foreach (ConferenceMember member in members)
        {
            if (string.Equals(member.Uuid, uuid, StringComparison.OrdinalIgnoreCase))
            {
                return member.Id;
            }
        }

        return null;
    }

    /// <summary><c>conference &lt;name&gt; mute &lt;id&gt;</c> → <c>+OK mute &lt;id&gt;</c>; <c>-ERR Non-Existant ID &lt;id&gt;</c> throws.</summary>
    public static Task ConferenceMuteAsync(this EventSocketClient client, string name, int memberId, CancellationToken ct) =>
        MemberCommandAsync(client, name, "mute", memberId, ct);

    /// <summary><c>conference &lt;name&gt; unmute &lt;id&gt;</c> → <c>+OK unmute &lt;id&gt;</c>.</summary>
    public static Task ConferenceUnmuteAsync(this EventSocketClient client, string name, int memberId, CancellationToken ct) =>
        MemberCommandAsync(client, name, "unmute", memberId, ct);

    /// <summary><c>conference &lt;name&gt; deaf &lt;id&gt;</c> → <c>+OK deaf &lt;id&gt;</c>.</summary>
    public static Task ConferenceDeafAsync(this EventSocketClient client, string name, int memberId, CancellationToken ct) =>
        MemberCommandAsync(client, name, "deaf", memberId, ct);

    /// <summary><c>conference &lt;name&gt; undeaf &lt;id&gt;</c> → <c>+OK undeaf &lt;id&gt;</c>.</summary>
    public static Task ConferenceUndeafAsync(this EventSocketClient client, string name, int memberId, CancellationToken ct) =>
        MemberCommandAsync(client, name, "undeaf", memberId, ct);

    /// <summary><c>conference &lt;name&gt; kick &lt;id&gt;</c> → <c>+OK kicked &lt;id&gt;</c>. The channel is not hung up by the
    /// conference: it continues its dialplan (a <c>,park</c> transfer parks it again).</summary>
    public static Task ConferenceKickAsync(this EventSocketClient client, string name, int memberId, CancellationToken ct) =>
        MemberCommandAsync(client, name, "kick", memberId, ct);

    /// <summary><c>conference &lt;name&gt; hup &lt;id&gt;</c> → <c>+OK hup &lt;id&gt;</c>: kick without the kick sound.</summary>
    public static Task ConferenceHupAsync(this EventSocketClient client, string name, int memberId, CancellationToken ct) =>
        MemberCommandAsync(client, name, "hup", memberId, ct);

    /// <summary>Parses <c>conference NAME list</c> member lines
    /// <c>&lt;id&gt;;&lt;channel-name&gt;;&lt;uuid&gt;;&lt;cid-name&gt;;&lt;cid-num&gt;;&lt;flags&gt;;&lt;vol-in&gt;;&lt;vol-out&gt;;&lt;energy&gt;</c>.
    /// The UUID field anchors the line, so a <c>;</c> inside a channel or caller-ID name does not shift the columns.
    /// <c>+OK Conference …</c> header lines (of the all-conferences listing) are skipped.</summary>
    /// <exception cref="EventSocketException">A line that does not have that shape.</exception>
    public static IReadOnlyList<ConferenceMember> ParseConferenceList(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var members = new List<ConferenceMember>();
        foreach (string rawLine in reply.Split('\n'))
        {
            string line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith("+OK", StringComparison.Ordinal))
            {
                continue;
            }

            string[] fields = line.Split(';');
            int uuidIndex = Array.FindIndex(fields, 2, f => Guid.TryParse(f, out _));
            if (fields.Length < 9 || uuidIndex < 0 || fields.Length - uuidIndex < 7
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int id)
                || !TryParseInt(fields[^3], out int volumeIn) || !TryParseInt(fields[^2], out int volumeOut)
                || !TryParseInt(fields[^1], out int energy))
            {
                throw new EventSocketException($"Not a conference member line: '{line}'.");
            }

            members.Add(new ConferenceMember(
                id,
                string.Join(';', fields[1..uuidIndex]),
                fields[uuidIndex],
                string.Join(';', fields[(uuidIndex + 1)..^5]),
                fields[^5],
                fields[^4].Split('|', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal),
                volumeIn,
                volumeOut,
                energy));
        }

        return members;
    }

    private static bool TryParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static Task MemberCommandAsync(EventSocketClient client, string name, string verb, int memberId, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memberId);
        return ExpectOkAsync(client, $"conference {ConferenceName(name)} {verb} {memberId.ToString(CultureInfo.InvariantCulture)}", ct);
    }
}
