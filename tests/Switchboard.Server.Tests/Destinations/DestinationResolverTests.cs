using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

public sealed class DestinationResolverTests
{
    private const string SaoPaulo = "America/Sao_Paulo";

    // Wednesday 18 November 2026, 10:00 in São Paulo (UTC-3, no daylight saving since 2019).
    private static readonly DateTimeOffset WednesdayMorning = new(2026, 11, 18, 13, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("jeni", "Jeni - Financeiro")]
    [InlineData("Jeni - Financeiro", "Jeni - Financeiro")]
    [InlineData("JENI", "Jeni - Financeiro")]
    [InlineData("financeiro", "Jeni - Financeiro")]
    [InlineData("finaceiro", "Jeni - Financeiro")]
    [InlineData("boletos", "Jeni - Financeiro")]
    [InlineData("1004", "Jeni - Financeiro")]
    [InlineData("tecnico", "Suporte Técnico")]
    [InlineData("TÉCNICO", "Suporte Técnico")]
    [InlineData("suprote", "Suporte Técnico")]
    [InlineData("suporte tecnico", "Suporte Técnico")]
    [InlineData("conexao", "Suporte Técnico")]
    [InlineData("atendimento geral", "Atendimento")]
    public void Names_aliases_departments_and_numbers_resolve_despite_case_accents_and_misspellings(string said, string expected)
    {
        DestinationResolution resolution = DestinationResolver.Resolve(said, DestinationSamples.Seed(), SaoPaulo, WednesdayMorning);

        Assert.Equal(expected, Assert.IsType<DestinationResolution.Match>(resolution).Destination.Name);
    }

    [Theory]
    [InlineData("jeniffer")]
    [InlineData("jeny")]
    public void A_spoken_name_longer_or_misspelt_finds_the_short_one(string said)
    {
        List<TransferDestination> destinations = [DestinationSamples.Person("Jeni", "Financeiro"), DestinationSamples.Person("Carlos", "Vendas")];

        DestinationResolution resolution = DestinationResolver.Resolve(said, destinations, SaoPaulo, WednesdayMorning);

        Assert.Equal("Jeni", Assert.IsType<DestinationResolution.Match>(resolution).Destination.Name);
    }

    [Theory]
    [InlineData("alguém")]
    [InlineData("qualquer pessoa")]
    [InlineData("atendente")]
    [InlineData("anyone")]
    [InlineData("someone please")]
    [InlineData("cualquiera")]
    [InlineData("")]
    [InlineData("   ")]
    public void Asking_for_anyone_gives_the_default_destination(string said)
    {
        DestinationResolution resolution = DestinationResolver.Resolve(said, DestinationSamples.Seed(), SaoPaulo, WednesdayMorning);

        Assert.Equal("Atendimento", Assert.IsType<DestinationResolution.Default>(resolution).Destination.Name);
    }

    [Fact]
    public void Someone_of_a_department_is_that_department_not_the_default()
    {
        DestinationResolution resolution = DestinationResolver.Resolve("alguém do financeiro", DestinationSamples.Seed(), SaoPaulo, WednesdayMorning);

        Assert.Equal("Jeni - Financeiro", Assert.IsType<DestinationResolution.Match>(resolution).Destination.Name);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("contabilidade")]
    [InlineData("ana")]
    public void Words_that_name_no_destination_are_not_found(string said)
    {
        Assert.IsType<DestinationResolution.NotFound>(DestinationResolver.Resolve(said, DestinationSamples.Seed(), SaoPaulo, WednesdayMorning));
    }

    [Fact]
    public void Anyone_without_a_default_destination_is_not_found()
    {
        List<TransferDestination> destinations = [DestinationSamples.Jeni(), DestinationSamples.Suporte()];

        Assert.IsType<DestinationResolution.NotFound>(DestinationResolver.Resolve("alguém", destinations, SaoPaulo, WednesdayMorning));
    }

    [Fact]
    public void Equal_matches_go_to_the_lower_priority_number()
    {
        TransferDestination carlos = DestinationSamples.Person("Carlos", "Financeiro", priority: 100);
        List<TransferDestination> destinations = [carlos, DestinationSamples.Jeni()];

        Assert.Equal("Jeni - Financeiro", Assert.IsType<DestinationResolution.Match>(
            DestinationResolver.Resolve("financeiro", destinations, SaoPaulo, WednesdayMorning)).Destination.Name);

        carlos.Priority = 10;
        Assert.Equal("Carlos", Assert.IsType<DestinationResolution.Match>(
            DestinationResolver.Resolve("financeiro", destinations, SaoPaulo, WednesdayMorning)).Destination.Name);
    }

    [Fact]
    public void Two_equal_matches_of_equal_priority_are_ambiguous_until_the_caller_says_more()
    {
        List<TransferDestination> destinations =
        [
            DestinationSamples.Person("Ana Souza", "Vendas"), DestinationSamples.Person("Ana Lima", "Financeiro"), DestinationSamples.Person("Carlos", "Vendas"),
        ];

        var ambiguous = Assert.IsType<DestinationResolution.Ambiguous>(DestinationResolver.Resolve("ana", destinations, SaoPaulo, WednesdayMorning));
        Assert.Equal(["Ana Lima", "Ana Souza"], ambiguous.Candidates.Select(d => d.Name));

        Assert.Equal("Ana Lima", Assert.IsType<DestinationResolution.Match>(
            DestinationResolver.Resolve("a Ana do financeiro", destinations, SaoPaulo, WednesdayMorning)).Destination.Name);
        Assert.Equal("Ana Souza", Assert.IsType<DestinationResolution.Match>(
            DestinationResolver.Resolve("Ana Souza", destinations, SaoPaulo, WednesdayMorning)).Destination.Name);
    }

    [Fact]
    public void An_exact_name_beats_a_misspelling_and_a_whole_name_beats_part_of_one()
    {
        List<TransferDestination> destinations = [DestinationSamples.Person("Mario"), DestinationSamples.Person("Maria Clara"), DestinationSamples.Person("Maria")];

        Assert.Equal("Maria", Assert.IsType<DestinationResolution.Match>(
            DestinationResolver.Resolve("maria", destinations, SaoPaulo, WednesdayMorning)).Destination.Name);
        Assert.Equal("Mario", Assert.IsType<DestinationResolution.Match>(
            DestinationResolver.Resolve("mário", destinations, SaoPaulo, WednesdayMorning)).Destination.Name);
    }

    [Fact]
    public void Disabled_destinations_never_match_even_as_default()
    {
        List<TransferDestination> destinations = DestinationSamples.Seed();
        destinations.ForEach(d => d.Enabled = d.Name != "Jeni - Financeiro" && d.Name != "Atendimento");

        Assert.IsType<DestinationResolution.NotFound>(DestinationResolver.Resolve("jeni", destinations, SaoPaulo, WednesdayMorning));
        Assert.IsType<DestinationResolution.NotFound>(DestinationResolver.Resolve("alguém", destinations, SaoPaulo, WednesdayMorning));
        Assert.IsType<DestinationResolution.Match>(DestinationResolver.Resolve("suporte", destinations, SaoPaulo, WednesdayMorning));
    }

    [Fact]
    public void After_hours_the_destination_comes_back_with_its_next_opening()
    {
        // Wednesday 18:30 in São Paulo: Jeni closed at 17:00 and opens Thursday 08:00 (11:00 UTC).
        var evening = new DateTimeOffset(2026, 11, 18, 21, 30, 0, TimeSpan.Zero);

        var outside = Assert.IsType<DestinationResolution.OutsideHours>(DestinationResolver.Resolve("jeni", DestinationSamples.Seed(), SaoPaulo, evening));

        Assert.Equal("Jeni - Financeiro", outside.Destination.Name);
        Assert.Equal(new DateTimeOffset(2026, 11, 19, 11, 0, 0, TimeSpan.Zero), outside.NextOpening);
        Assert.Equal(TimeSpan.FromHours(-3), outside.NextOpening!.Value.Offset);
        Assert.IsType<DestinationResolution.Match>(DestinationResolver.Resolve("suporte", DestinationSamples.Seed(), SaoPaulo, evening));
    }

    [Fact]
    public void On_saturday_the_default_is_outside_hours_until_monday()
    {
        var saturday = new DateTimeOffset(2026, 11, 21, 15, 0, 0, TimeSpan.Zero);

        var outside = Assert.IsType<DestinationResolution.OutsideHours>(DestinationResolver.Resolve("alguém", DestinationSamples.Seed(), SaoPaulo, saturday));

        Assert.Equal("Atendimento", outside.Destination.Name);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(-3)), outside.NextOpening);
    }

    [Theory]
    // 10:30 UTC is inside 08:00-17:00 in UTC, but 07:30 in São Paulo: closed until 08:00 local (11:00 UTC).
    [InlineData("2026-11-18T10:30:00Z", SaoPaulo, false, "2026-11-18T11:00:00Z")]
    // 16:59 local, the last minute before Jeni closes.
    [InlineData("2026-11-18T19:59:00Z", SaoPaulo, true, null)]
    [InlineData("2026-11-18T20:00:00Z", SaoPaulo, false, "2026-11-19T11:00:00Z")]
    // Saturday 01:30 UTC is still Friday 22:30 in São Paulo: closed, next opening Monday 08:00 local.
    [InlineData("2026-11-21T01:30:00Z", SaoPaulo, false, "2026-11-23T11:00:00Z")]
    // Tuesday 23:30 UTC is Wednesday 08:30 in Tokyo: open, though midnight-ish in UTC.
    [InlineData("2026-11-17T23:30:00Z", "Asia/Tokyo", true, null)]
    // An unknown zone falls back to São Paulo.
    [InlineData("2026-11-18T10:30:00Z", "Mars/Olympus_Mons", false, "2026-11-18T11:00:00Z")]
    public void Working_hours_are_read_in_the_tenant_time_zone(string utc, string zone, bool open, string? nextOpeningUtc)
    {
        var now = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

        DestinationResolution resolution = DestinationResolver.Resolve("jeni", DestinationSamples.Seed(), zone, now);

        if (open)
        {
            Assert.IsType<DestinationResolution.Match>(resolution);
        }
        else
        {
            var outside = Assert.IsType<DestinationResolution.OutsideHours>(resolution);
            Assert.Equal(DateTimeOffset.Parse(nextOpeningUtc!, System.Globalization.CultureInfo.InvariantCulture), outside.NextOpening);
        }
    }

    [Fact]
    public void An_opening_skipped_by_a_daylight_saving_jump_is_the_first_valid_minute_after_it()
    {
        // New York springs forward on Sunday 8 March 2026 at 02:00 (to 03:00 EDT): 02:30 does not exist that day.
        TransferDestination night = DestinationSamples.Person("Plantão");
        Assert.True(WorkingHoursText.TryParse("sun 02:30-04:00", out WorkingHours? hours, out _));
        night.WorkingHours = hours;
        var saturday = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.FromHours(-5));

        var outside = Assert.IsType<DestinationResolution.OutsideHours>(DestinationResolver.Resolve("plantão", [night], "America/New_York", saturday));

        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), outside.NextOpening);
        Assert.Equal(TimeSpan.FromHours(-4), outside.NextOpening!.Value.Offset);
    }

    [Theory]
    [InlineData("Quero falar com a Jeni, por favor", "Jeni - Financeiro")]
    [InlineData("minha internet caiu de novo", "Suporte Técnico")]
    [InlineData("Preciso da segunda via do boleto", "Jeni - Financeiro")]
    [InlineData("I'd like to talk to Jennifer", "Jeni - Financeiro")]
    [InlineData("a conexão está muito lenta", "Suporte Técnico")]
    public void The_keyword_fallback_finds_a_destination_in_a_whole_utterance(string utterance, string expected)
    {
        DestinationResolution resolution = DestinationResolver.ResolveFromUtterance(utterance, DestinationSamples.Seed(), SaoPaulo, WednesdayMorning);

        Assert.Equal(expected, Assert.IsType<DestinationResolution.Match>(resolution).Destination.Name);
    }

    [Theory]
    [InlineData("Quero falar com alguém")]
    [InlineData("Can I speak to a human?")]
    [InlineData("quiero hablar con una persona")]
    public void The_keyword_fallback_sends_anyone_to_the_default(string utterance)
    {
        DestinationResolution resolution = DestinationResolver.ResolveFromUtterance(utterance, DestinationSamples.Seed(), SaoPaulo, WednesdayMorning);

        Assert.Equal("Atendimento", Assert.IsType<DestinationResolution.Default>(resolution).Destination.Name);
    }

    [Theory]
    [InlineData("Bom dia, tudo bem?")]
    [InlineData("Qual é o endereço de vocês?")]
    [InlineData("")]
    [InlineData("obrigado, era só isso")]
    public void The_keyword_fallback_ignores_utterances_without_a_destination(string utterance)
    {
        Assert.IsType<DestinationResolution.NotFound>(
            DestinationResolver.ResolveFromUtterance(utterance, DestinationSamples.Seed(), SaoPaulo, WednesdayMorning));
    }

    [Fact]
    public void The_keyword_fallback_forgives_less_than_a_direct_request()
    {
        // Two edits in a long word: fine when the agent names the destination, not when scanning free speech.
        Assert.IsType<DestinationResolution.Match>(DestinationResolver.Resolve("fianceir", DestinationSamples.Seed(), SaoPaulo, WednesdayMorning));
        Assert.IsType<DestinationResolution.NotFound>(
            DestinationResolver.ResolveFromUtterance("quero o fianceir", DestinationSamples.Seed(), SaoPaulo, WednesdayMorning));
    }
}
