namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

/// <summary>Recorded-style Event Socket transcripts built from freeswitch.md and freeswitch-verified.md (Q7, Q8).</summary>
internal static class Fixtures
{
    public static readonly string[] All =
    [
        "auth.esl", "auth-invalid.esl", "api.esl", "bgapi-originate-busy.esl", "events-json.esl", "events-plain.esl",
        "disconnect-notice.esl", "misc.esl",
    ];

    public static byte[] Load(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "FreeSwitch", "EventSocket", "Fixtures", name));

    /// <summary>Every fixture back to back: one long session with many messages per read.</summary>
    public static byte[] Transcript() => [.. All.SelectMany(Load)];
}
