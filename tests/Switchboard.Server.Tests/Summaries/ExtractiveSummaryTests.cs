using System.Text.RegularExpressions;
using Switchboard.Server.Calls;
using Switchboard.Server.Summaries;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Summaries;

public sealed partial class ExtractiveSummaryTests
{
    private static readonly SummaryTurn[] JeniCall =
    [
        new(ConversationSpeaker.Agent, "Olá, aqui é a secretária da Acme. Como posso ajudar?"),
        new(ConversationSpeaker.Caller, "Oi, quero falar com a Jeni do financeiro"),
        new(ConversationSpeaker.Tool, """transfer_call {"destination":"Jeni","reason":"boleto"} → {"ok":false}"""),
        new(ConversationSpeaker.Agent, "A Jeni não atendeu. Quer deixar um recado?"),
        new(ConversationSpeaker.Caller, "Sim, preciso da segunda via do boleto de março"),
    ];

    [Fact]
    public void Failed_transfer_with_a_message_tells_who_called_whom_they_wanted_the_ticket_and_the_message()
    {
        var input = new SummaryInput(
            "pt-BR", "+5511988887777", "Maria Souza", ConversationOutcome.TicketCreated, "caller_hangup", JeniCall,
            [new SummaryTicket(42, "Preciso da segunda via do boleto de março", "Jeni - Financeiro", "no_answer")],
            [new SummaryTransfer("Jeni - Financeiro", TransferAttemptResult.NoAnswer)]);

        string summary = ExtractiveSummary.Build(input);

        Assert.StartsWith("Maria Souza (+5511988887777) ligou e pediu para falar com Jeni - Financeiro.", summary, StringComparison.Ordinal);
        Assert.Contains("não atendeu", summary, StringComparison.Ordinal);
        Assert.Contains("ticket #42", summary, StringComparison.Ordinal);
        Assert.Contains("“Preciso da segunda via do boleto de março”", summary, StringComparison.Ordinal);
        Assert.InRange(Sentences(summary), 2, 4);
    }

    [Fact]
    public void Successful_transfer_in_an_english_conversation_is_summarised_in_english()
    {
        var input = new SummaryInput(
            "en-US", "+14155550100", null, ConversationOutcome.Transferred, "transfer_success",
            [new SummaryTurn(ConversationSpeaker.Caller, "Sales please")],
            [],
            [new SummaryTransfer("Sales", TransferAttemptResult.Busy), new SummaryTransfer("Sales", TransferAttemptResult.Success)]);

        string summary = ExtractiveSummary.Build(input);

        Assert.Equal("The number +14155550100 called and asked for Sales. The call was transferred to Sales.", summary);
    }

    [Fact]
    public void Destination_comes_from_the_transfer_tool_when_nothing_else_names_it()
    {
        var input = new SummaryInput("pt-BR", "1001", null, ConversationOutcome.Completed, "caller_hangup", JeniCall, [], []);

        string summary = ExtractiveSummary.Build(input);

        Assert.Contains("pediu para falar com Jeni.", summary, StringComparison.Ordinal);
        Assert.Contains("A secretária atendeu e a ligação foi encerrada.", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_destination_the_callers_first_words_say_what_they_wanted()
    {
        var input = new SummaryInput(
            "pt-BR", "", "João", ConversationOutcome.Completed, "caller_hangup",
            [new SummaryTurn(ConversationSpeaker.Caller, "ok"), new SummaryTurn(ConversationSpeaker.Caller, "Qual o horário de funcionamento de vocês?")],
            [], []);

        string summary = ExtractiveSummary.Build(input);

        Assert.StartsWith("João ligou e disse: “Qual o horário de funcionamento de vocês”.", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silent_anonymous_abandoned_call_still_gets_a_summary()
    {
        var input = new SummaryInput("pt-BR", "", null, ConversationOutcome.Abandoned, "caller_hangup", [], [], []);

        string summary = ExtractiveSummary.Build(input);

        Assert.Equal("Um chamador não identificado ligou. O chamador desligou antes de ser atendido.", summary);
    }

    [Fact]
    public void Several_tickets_are_all_numbered_and_long_messages_are_cut()
    {
        string longMessage = string.Concat(Enumerable.Repeat("palavra ", 100));
        var input = new SummaryInput(
            "pt-BR", "5511", "Ana", ConversationOutcome.TicketCreated, null, [],
            [new SummaryTicket(3, longMessage, null, null), new SummaryTicket(4, "", "Suporte", null)], []);

        string summary = ExtractiveSummary.Build(input);

        Assert.Contains("Foram abertos os tickets #3 e #4.", summary, StringComparison.Ordinal);
        Assert.Contains("pediu para falar com Suporte", summary, StringComparison.Ordinal);
        Assert.True(summary.Length < 500, summary);
        Assert.Contains("…”", summary, StringComparison.Ordinal);
    }

    private static int Sentences(string text) => SentenceEnd().Count(text);

    [GeneratedRegex(@"[.!?]”?(\s|$)")]
    private static partial Regex SentenceEnd();
}
