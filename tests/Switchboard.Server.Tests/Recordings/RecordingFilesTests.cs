using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Switchboard.Fakes;
using Switchboard.Server.Recordings;

namespace Switchboard.Server.Tests.Recordings;

public sealed class RecordingFilesTests
{
    private static readonly Guid Tenant = Guid.Parse("5c2f0a5e-0000-4000-8000-000000000001");

    [Fact]
    public void Candidates_start_with_the_fusionpbx_archive_folder_of_the_call_day()
    {
        var day = new DateOnly(2026, 1, 5);

        List<string> candidates = RecordingFiles.Candidates(["/var/lib/freeswitch/recordings"], "acme.example.com", Tenant, "abc-123", [day]).ToList();

        Assert.Equal("/var/lib/freeswitch/recordings/acme.example.com/archive/2026/Jan/05/abc-123.wav", candidates[0]);
        Assert.Contains("/var/lib/freeswitch/recordings/acme.example.com/archive/2026/Jan/05/abc-123.mp3", candidates);
        Assert.Contains("/var/lib/freeswitch/recordings/abc-123.wav", candidates);
        Assert.Contains($"/var/lib/freeswitch/recordings/{Tenant}/abc-123.wav", candidates);
    }

    [Fact]
    public void A_call_uuid_that_is_a_path_yields_no_candidate()
    {
        Assert.Empty(RecordingFiles.Candidates(["/rec"], "d", Tenant, "../../etc/passwd", [new DateOnly(2026, 1, 5)]));
    }

    [Fact]
    public void A_call_just_after_midnight_utc_is_also_looked_for_on_the_previous_day_of_the_pbx_zone()
    {
        TimeZoneInfo saoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
        var startedAt = new DateTimeOffset(2026, 1, 6, 0, 30, 0, TimeSpan.Zero);

        IReadOnlyCollection<DateOnly> days = RecordingFiles.DaysAround(startedAt, saoPaulo, TimeZoneInfo.Utc);

        Assert.Contains(new DateOnly(2026, 1, 6), days);
        Assert.Contains(new DateOnly(2026, 1, 5), days);
        Assert.Equal(days.Count, days.Distinct().Count());
    }

    [Fact]
    public void Object_key_is_dated_in_utc_and_keeps_the_extension()
    {
        var startedAt = new DateTimeOffset(2026, 12, 31, 22, 0, 0, TimeSpan.FromHours(-3));

        Assert.Equal($"voice/{Tenant}/2027/01/01/call-1.mp3", RecordingFiles.ObjectKey(Tenant, "call-1", startedAt, ".mp3"));
        Assert.Equal("audio/mpeg", RecordingFiles.ContentTypeOf("x.mp3"));
        Assert.Equal("audio/wav", RecordingFiles.ContentTypeOf("x.wav"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Backoff_doubles_within_jitter_and_stays_under_the_cap(int seed)
    {
        var random = new Random(seed);
        TimeSpan first = TimeSpan.FromSeconds(2), max = TimeSpan.FromMinutes(10);
        for (int attempt = 1; attempt <= 40; attempt++)
        {
            TimeSpan nominal = TimeSpan.FromTicks((long)Math.Min(max.Ticks, first.Ticks * Math.Pow(2, attempt - 1)));
            TimeSpan delay = RetryBackoff.Next(attempt, first, max, random);
            Assert.InRange(delay, nominal / 2, nominal);
        }
    }
}

public sealed class RecordingLinksTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingLinks _links;

    public RecordingLinksTests()
    {
        _links = new RecordingLinks(
            new EphemeralDataProtectionProvider(),
            _time,
            Options.Create(new RecordingsOptions { LinkLifetime = TimeSpan.FromHours(1), PublicBaseUrl = new Uri("https://sb.example.com/") }));
    }

    [Fact]
    public void Token_opens_its_own_recording_until_it_expires()
    {
        Guid tenant = Guid.NewGuid();
        string token = Token(_links.CreateLink(tenant, "call-1"));

        Assert.True(_links.IsValid(token, tenant, "call-1"));
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(_links.IsValid(token, tenant, "call-1"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(_links.IsValid(token, tenant, "call-1"));
    }

    [Fact]
    public void Token_does_not_open_another_call_or_tenant_and_a_changed_token_opens_nothing()
    {
        Guid tenant = Guid.NewGuid();
        string link = _links.CreateLink(tenant, "call-1");
        string token = Token(link);

        Assert.StartsWith($"https://sb.example.com/recordings/{tenant}/call-1?token=", link, StringComparison.Ordinal);
        Assert.False(_links.IsValid(token, tenant, "call-2"));
        Assert.False(_links.IsValid(token, Guid.NewGuid(), "call-1"));
        // Every character but the last, whose low bits may be base64 padding that decoding ignores.
        for (int i = 0; i < token.Length - 1; i++)
        {
            char other = token[i] == 'A' ? 'B' : 'A';
            Assert.False(_links.IsValid(token[..i] + other + token[(i + 1)..], tenant, "call-1"));
        }

        Assert.False(_links.IsValid("", tenant, "call-1"));
        Assert.False(_links.IsValid("%%%", tenant, "call-1"));
    }

    private static string Token(string link) => link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
}
