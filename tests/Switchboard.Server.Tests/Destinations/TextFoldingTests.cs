using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

public sealed class TextFoldingTests
{
    [Theory]
    [InlineData("Técnico", "tecnico")]
    [InlineData("  Jeni - Financeiro!! ", "jeni financeiro")]
    [InlineData("CONEXÃO", "conexao")]
    [InlineData("Ação/Atenção", "acao atencao")]
    [InlineData("", "")]
    public void Folds_case_accents_and_punctuation(string text, string expected)
    {
        Assert.Equal(expected, TextFolding.Fold(text));
    }

    [Theory]
    [InlineData("financeiro", "finaceiro", 1)]
    [InlineData("suporte", "suprote", 1)]
    [InlineData("jeniffer", "jennifer", 2)]
    [InlineData("abc", "abc", 0)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_edits_with_adjacent_transpositions_as_one(string a, string b, int expected)
    {
        Assert.Equal(expected, TextFolding.Distance(a, b, 5));
        Assert.Equal(expected, TextFolding.Distance(b, a, 5));
    }

    [Fact]
    public void Distance_gives_up_past_its_limit()
    {
        Assert.Equal(2, TextFolding.Distance("atendimento", "suporte", 1));
        Assert.Equal(2, TextFolding.Distance("a", "abcdef", 1));
    }
}
