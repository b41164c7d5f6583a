using System.Text;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

public sealed class CsvTextTests
{
    [Fact]
    public void Quoted_fields_keep_delimiters_quotes_and_line_breaks_and_records_know_their_line()
    {
        const string Text = "\uFEFFname,description\r\n\"Jeni, Financeiro\",\"diz \"\"oi\"\"\"\n\"Suporte\",\"linha 1\nlinha 2\"\nAtendimento,\n";

        IReadOnlyList<CsvText.Record> records = CsvText.Read(Text, ',', out string? error);

        Assert.Null(error);
        Assert.Equal([1, 2, 3, 5], records.Select(r => r.Line));
        Assert.Equal(["name", "description"], records[0].Fields);
        Assert.Equal(["Jeni, Financeiro", "diz \"oi\""], records[1].Fields);
        Assert.Equal(["Suporte", "linha 1\nlinha 2"], records[2].Fields);
        Assert.Equal(["Atendimento", ""], records[3].Fields);
    }

    [Fact]
    public void An_unclosed_quote_is_reported_with_the_line_it_opens_on()
    {
        CsvText.Read("name\nok\n\"never closed\nstill open", ',', out string? error);

        Assert.Equal("Line 3: a quoted field is never closed.", error);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Anything_written_reads_back_the_same(int seed)
    {
        var random = new Random(seed);
        const string Alphabet = "ab ,;\"\r\n|éã-";
        for (int round = 0; round < 300; round++)
        {
            string[][] rows = [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ =>
                Enumerable.Range(0, 3).Select(_ => new string([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => Alphabet[random.Next(Alphabet.Length)])])).ToArray())];
            var output = new StringBuilder();
            foreach (string[] row in rows)
            {
                CsvText.Write(output, row);
            }

            IReadOnlyList<CsvText.Record> read = CsvText.Read(output.ToString(), ',', out string? error);

            Assert.True(error is null, $"seed {seed} round {round}: {error}");
            Assert.Equal(rows.Length, read.Count);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(rows[i], read[i].Fields);
            }
        }
    }

    [Theory]
    [InlineData("name,aliases\n", ',')]
    [InlineData("name;aliases;working_hours\n", ';')]
    [InlineData("name\n", ',')]
    public void The_delimiter_is_read_from_the_header(string text, char expected)
    {
        Assert.Equal(expected, CsvText.DetectDelimiter(text));
    }
}
