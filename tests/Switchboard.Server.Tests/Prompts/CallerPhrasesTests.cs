using Switchboard.Server.Secretaries.Prompts;
using Switchboard.Server.Tests.Destinations;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Prompts;

public sealed class CallerPhrasesTests
{
    [Theory]
    [InlineData("pt-BR", "pt-BR")]
    [InlineData("pt", "pt-BR")]
    [InlineData("pt_PT", "pt-BR")]
    [InlineData("en-US", "en-US")]
    [InlineData("EN-gb", "en-US")]
    [InlineData("es", "es")]
    [InlineData("es-MX", "es")]
    [InlineData("fr-FR", "pt-BR")]
    [InlineData("", "pt-BR")]
    [InlineData(null, "pt-BR")]
    public void Languages_map_to_pt_br_en_us_or_es_and_anything_else_to_pt_br(string? language, string expected)
    {
        Assert.Equal(expected, CallerPhrases.For(language).Language);
    }

    [Fact]
    public void Portuguese_transfer_statuses_are_seed_one_messages()
    {
        CallerPhrases pt = CallerPhrases.PortugueseBrazil;
        TransferDestination jeni = DestinationSamples.Jeni();

        Assert.Equal("Conectando você com Jeni...", pt.TransferResult(TransferAttemptResult.Success, jeni));
        Assert.Equal("O ramal de Jeni está ocupado no momento.", pt.TransferResult(TransferAttemptResult.Busy, jeni));
        Assert.Equal("Jeni não está disponível no momento.", pt.TransferResult(TransferAttemptResult.NoAnswer, jeni));
        Assert.Equal("Jeni não está online no momento.", pt.TransferResult(TransferAttemptResult.Unavailable, jeni));
        Assert.Equal("Jeni não pode atender agora.", pt.TransferResult(TransferAttemptResult.Rejected, jeni));
        Assert.Equal("Desculpe, não foi possível completar a transferência.", pt.TransferResult(TransferAttemptResult.Failed, jeni));
        Assert.Equal("Jeni não está atendendo neste horário.", pt.Status("outside_hours", jeni));
        Assert.Equal("Vou transferir você para Jeni do Financeiro. Um momento...", pt.TransferAnnouncement(jeni));
        Assert.Equal("Gostaria de deixar um recado? Vou anotar e encaminhar para retorno.", pt.Fallback(TransferFallbackAction.OfferTicket));
        Assert.Equal("Vou transferir para a caixa postal.", pt.Fallback(TransferFallbackAction.Voicemail));
        Assert.Equal("Posso ajudar com mais alguma coisa?", pt.Fallback(TransferFallbackAction.ReturnAgent));
        Assert.Equal("Não encontrei esse contato. Posso transferir para o atendimento geral?", pt.DestinationNotFound);
    }

    [Fact]
    public void Every_language_has_a_distinct_status_for_each_result_naming_the_destination()
    {
        TransferDestination jeni = DestinationSamples.Jeni();
        string[] statuses = ["success", "busy", "no_answer", "unavailable", "rejected", "failed", "outside_hours"];
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (CallerPhrases phrases in CallerPhrases.All)
        {
            string[] texts = [.. statuses.Select(s => phrases.Status(s, jeni))];
            Assert.Equal(statuses.Length, texts.Distinct(StringComparer.Ordinal).Count());
            Assert.All(texts.Where((_, i) => statuses[i] != "failed"), text => Assert.Contains("Jeni", text, StringComparison.Ordinal));
            Assert.DoesNotContain(texts, text => text.Contains("Financeiro", StringComparison.Ordinal));
            Assert.All(Enum.GetValues<TransferAttemptResult>(), result =>
                Assert.Equal(phrases.Status(DestinationWordsOf(result), jeni), phrases.TransferResult(result, jeni)));
            Assert.All(texts, text => Assert.True(all.Add(text), $"'{text}' is shared by two languages"));
        }
    }

    [Fact]
    public void Greeting_one_moment_goodbye_and_message_taking_exist_in_each_language()
    {
        Assert.Equal("Olá! Você ligou para a XYZ. Como posso ajudar?", CallerPhrases.PortugueseBrazil.DefaultGreeting("XYZ"));
        Assert.Equal("Hello! You've reached XYZ. How can I help you?", CallerPhrases.EnglishUs.DefaultGreeting("XYZ"));
        Assert.Equal("¡Hola! Se ha comunicado con XYZ. ¿En qué puedo ayudarle?", CallerPhrases.Spanish.DefaultGreeting("XYZ"));
        Assert.Equal("Um momento, por favor.", CallerPhrases.PortugueseBrazil.OneMoment);
        Assert.Equal("One moment, please.", CallerPhrases.EnglishUs.OneMoment);
        Assert.Equal("Un momento, por favor.", CallerPhrases.Spanish.OneMoment);

        foreach (CallerPhrases phrases in CallerPhrases.All)
        {
            string[] texts = [phrases.Goodbye, phrases.OfferMessage, phrases.AskName, phrases.AskCallbackNumber, phrases.AskMessage, phrases.AnythingElse, phrases.StillThere];
            Assert.All(texts, text => Assert.False(string.IsNullOrWhiteSpace(text)));
            Assert.Equal(texts.Length, texts.Distinct(StringComparer.Ordinal).Count());
            Assert.Contains("4711", phrases.MessageConfirmation("4711"), StringComparison.Ordinal);
            Assert.DoesNotContain("{", phrases.DefaultGreeting(""), StringComparison.Ordinal);
        }

        Assert.Equal("Recado registrado com o protocolo número 4711. Vamos retornar assim que possível.", CallerPhrases.PortugueseBrazil.MessageConfirmation("4711"));
        Assert.Equal("Your message is recorded under ticket number 4711. We'll get back to you as soon as possible.", CallerPhrases.EnglishUs.MessageConfirmation("4711"));
    }

    [Theory]
    [InlineData("pt-BR", "2026-11-18T14:00", "Jeni não está atendendo neste horário. O atendimento volta hoje às 14:00.")]
    [InlineData("pt-BR", "2026-11-19T08:00", "Jeni não está atendendo neste horário. O atendimento volta amanhã às 08:00.")]
    [InlineData("pt-BR", "2026-11-23T08:00", "Jeni não está atendendo neste horário. O atendimento volta na segunda-feira às 08:00.")]
    [InlineData("pt-BR", "2026-11-21T08:00", "Jeni não está atendendo neste horário. O atendimento volta no sábado às 08:00.")]
    [InlineData("en-US", "2026-11-19T08:00", "Jeni is not taking calls at this time. They'll be back tomorrow at 8:00 AM.")]
    [InlineData("en-US", "2026-11-23T14:30", "Jeni is not taking calls at this time. They'll be back on Monday at 2:30 PM.")]
    [InlineData("es", "2026-11-23T08:00", "Jeni no atiende en este horario. Vuelve a atender el lunes a las 08:00.")]
    public void Outside_hours_says_when_the_destination_opens(string language, string opening, string expected)
    {
        var now = new DateTime(2026, 11, 18, 12, 0, 0);   // Wednesday noon

        string text = CallerPhrases.For(language).OutsideHours(DestinationSamples.Jeni(), DateTime.Parse(opening, System.Globalization.CultureInfo.InvariantCulture), now);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Ambiguous_destinations_are_asked_back_by_name()
    {
        TransferDestination[] candidates = [DestinationSamples.Person("Ana Lima"), DestinationSamples.Person("Ana Souza"), DestinationSamples.Person("Ana Reis - Vendas")];

        Assert.Equal("Com quem você gostaria de falar: Ana Lima, Ana Souza ou Ana Reis?", CallerPhrases.PortugueseBrazil.WhichOne(candidates));
        Assert.Equal("Who would you like to speak with: Ana Lima, Ana Souza or Ana Reis?", CallerPhrases.EnglishUs.WhichOne(candidates));
        Assert.Equal("¿Con quién desea hablar: Ana Lima o Ana Souza?", CallerPhrases.Spanish.WhichOne(candidates[..2]));
    }

    [Fact]
    public void Each_resolution_has_something_to_say()
    {
        TimeZoneInfo saoPaulo = Switchboard.Server.Transfers.Destinations.DestinationResolver.FindTimeZone("America/Sao_Paulo");
        var evening = new DateTimeOffset(2026, 11, 18, 21, 30, 0, TimeSpan.Zero);   // Wednesday 18:30 in São Paulo
        List<TransferDestination> seed = DestinationSamples.Seed();
        CallerPhrases pt = CallerPhrases.PortugueseBrazil;
        string Say(string text) => pt.ForResolution(Switchboard.Server.Transfers.Destinations.DestinationResolver.Resolve(text, seed, saoPaulo, evening), saoPaulo, evening);

        Assert.Equal("Vou transferir você para Suporte Técnico do Suporte. Um momento...", Say("suporte"));
        Assert.Equal("Jeni não está atendendo neste horário. O atendimento volta amanhã às 08:00.", Say("jeni"));
        Assert.Equal("Atendimento não está atendendo neste horário. O atendimento volta amanhã às 08:00.", Say("alguém"));
        Assert.Equal("Não encontrei esse contato. Posso transferir para o atendimento geral?", Say("contabilidade"));
        seed.Add(DestinationSamples.Person("Ana Lima"));
        seed.Add(DestinationSamples.Person("Ana Souza"));
        Assert.Equal("Com quem você gostaria de falar: Ana Lima ou Ana Souza?", Say("ana"));
    }

    private static string DestinationWordsOf(TransferAttemptResult result) =>
        Switchboard.Server.Transfers.Destinations.DestinationWords.Text(result);
}
