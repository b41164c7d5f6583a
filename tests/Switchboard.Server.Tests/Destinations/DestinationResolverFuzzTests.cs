using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

public sealed class DestinationResolverFuzzTests
{
    private static readonly DateTimeOffset WednesdayMorning = new(2026, 11, 18, 13, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds => [11, 12, 13, 14, 15];

    [Theory, MemberData(nameof(Seeds))]
    public void One_typo_in_a_long_alias_still_finds_its_destination(int seed)
    {
        var random = new Random(seed);
        List<TransferDestination> destinations = DestinationSamples.Seed();
        (string Alias, TransferDestination Owner)[] aliases = [.. destinations
            .SelectMany(d => d.Aliases.Select(a => (Alias: TextFolding.Fold(a), Owner: d)))
            .Where(a => a.Alias.Length >= 6)];
        for (int round = 0; round < 200; round++)
        {
            (string alias, TransferDestination owner) = aliases[random.Next(aliases.Length)];
            string typo = Typo(alias, random);

            DestinationResolution resolution = DestinationResolver.Resolve(typo, destinations, "America/Sao_Paulo", WednesdayMorning);

            TransferDestination? found = resolution switch
            {
                DestinationResolution.Match m => m.Destination,
                DestinationResolution.Default d => d.Destination,
                _ => null,
            };
            Assert.True(found == owner, $"seed {seed} round {round}: '{typo}' (from '{alias}') gave {resolution}");
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Random_words_rarely_reach_a_destination_from_an_utterance(int seed)
    {
        var random = new Random(seed);
        List<TransferDestination> destinations = DestinationSamples.Seed();
        int found = 0;
        const int Rounds = 500;
        for (int round = 0; round < Rounds; round++)
        {
            string utterance = string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
                new string([.. Enumerable.Range(0, random.Next(2, 9)).Select(_ => (char)('a' + random.Next(26)))])));
            if (DestinationResolver.ResolveFromUtterance(utterance, destinations, "America/Sao_Paulo", WednesdayMorning) is not DestinationResolution.NotFound)
            {
                found++;
            }
        }

        Assert.True(found < Rounds / 100, $"seed {seed}: {found} of {Rounds} random utterances matched a destination");
    }

    private static string Typo(string word, Random random)
    {
        int at = random.Next(1, word.Length - 1);
        char letter = (char)('a' + random.Next(26));
        return random.Next(4) switch
        {
            0 => word[..at] + letter + word[(at + 1)..],                    // substitution
            1 => word[..at] + word[(at + 1)..],                             // deletion
            2 => word[..at] + letter + word[at..],                          // insertion
            _ => word[..(at - 1)] + word[at] + word[at - 1] + word[(at + 1)..], // transposition
        };
    }
}
