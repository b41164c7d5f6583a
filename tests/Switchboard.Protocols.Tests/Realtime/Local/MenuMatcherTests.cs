using Switchboard.Protocols.Realtime.Local;

namespace Switchboard.Protocols.Tests.Realtime.Local;

public sealed class MenuMatcherTests
{
    private static readonly MenuMatcher Matcher = new(
    [
        new LocalMenuEntry('1', "Departamento Financeiro", ["boleto"]),
        new LocalMenuEntry('2', "Departamento Pessoal", ["férias", "holerite"]),
        new LocalMenuEntry('3', "Atendimento ao Cliente"),
    ]);

    [Theory]
    [InlineData("departamento pessoal", "Departamento Pessoal")]
    [InlineData("Quero saber das minhas FÉRIAS", "Departamento Pessoal")]
    [InlineData("ferias", "Departamento Pessoal")]
    [InlineData("financeiro!!!", "Departamento Financeiro")]
    [InlineData("preciso de atendimento", "Atendimento ao Cliente")]
    public void Finds_the_destination_with_the_most_matching_words(string text, string expected)
    {
        MenuChoice choice = Matcher.Match(text);
        Assert.Equal(expected, choice.Entry?.Name);
        Assert.False(choice.Message);
    }

    [Theory]
    [InlineData("departamento")] // in two names: a tie
    [InlineData("o de para com")] // only small words
    [InlineData("")]
    [InlineData("bom dia")]
    public void Does_not_guess(string text) => Assert.False(Matcher.Match(text).Understood);

    [Theory]
    [InlineData("deixar um recado")]
    [InlineData("Leave a MESSAGE please")]
    [InlineData("dejar un mensaje")]
    [InlineData("quero mandar uma mensagem")]
    public void Words_for_a_message_ask_for_the_message_flow(string text)
    {
        MenuChoice choice = Matcher.Match(text);
        Assert.True(choice.Message);
        Assert.Null(choice.Entry);
    }

    [Fact]
    public void Folds_accents_and_case_into_words() =>
        Assert.Equal(["sao", "paulo", "tecnico", "2"], MenuMatcher.Words("São Paulo — TÉCNICO, 2!"));
}
