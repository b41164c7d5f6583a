using Switchboard.Server.Secretaries;
using Switchboard.Server.Secretaries.Prompts;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Destinations;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Prompts;

public sealed class SystemPromptBuilderTests
{
    private static readonly Tenant Demo = new()
    {
        Id = Guid.NewGuid(),
        DomainName = "xyz.example.com",
        DisplayName = "XYZ",
        CompanyInfo = "Provedor de internet em Porto Alegre. Atendimento de segunda a sexta.",
    };

    private static Secretary Secretary(string language = "pt-BR") => new()
    {
        Id = Guid.NewGuid(),
        Name = "Secretária",
        Language = language,
        Prompt = "Atenda com cordialidade e frases curtas.",
        Persona = "Seu nome é Clara; fale com calma.",
    };

    [Fact]
    public void The_prompt_lists_the_destinations_in_seed_one_table_format()
    {
        string prompt = SystemPromptBuilder.Build(Demo, Secretary(), DestinationSamples.Seed());

        Assert.StartsWith("Você é a secretária virtual da empresa XYZ.\n", prompt, StringComparison.Ordinal);
        Assert.Contains(
            """
            ## Destinos de Transferência Disponíveis

            Quando o cliente quiser falar com alguém, use a função `transfer_call`:

            | Nome | Departamento | Função | Descrição | Horário |
            |------|--------------|--------|-----------|---------|
            | Jeni - Financeiro | Financeiro | Analista Financeiro | Responsável por cobranças e boletos | seg-sex 08:00-17:00 |
            | Suporte Técnico | Suporte | Técnico | Equipe de suporte técnico | todos os dias 00:00-23:59 |
            | Atendimento (padrão) | Atendimento Geral | Atendente | Fila principal de atendimento | seg-sex 08:00-18:00 |
            """.ReplaceLineEndings("\n"),
            prompt,
            StringComparison.Ordinal);
        Assert.Contains("- \"jeni\", \"jeniffer\", \"jennifer\", \"financeiro\", \"contas\", \"boleto\", \"pagamento\" → transfer_call(destination=\"Jeni - Financeiro\")\n", prompt, StringComparison.Ordinal);
        Assert.Contains("- \"Quero falar com alguém\" → transfer_call(destination=\"Atendimento\")\n", prompt, StringComparison.Ordinal);
        Assert.Contains("Antes de transferir, confirme com o cliente:\n\"Vou transferir você para [Nome] do [Departamento]. Um momento...\"", prompt, StringComparison.Ordinal);
        Assert.Contains("America/Sao_Paulo", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prompt_carries_company_info_the_secretary_prompt_persona_and_every_tool_rule()
    {
        string prompt = SystemPromptBuilder.Build(Demo, Secretary(), DestinationSamples.Seed());

        Assert.Contains("\nAtenda com cordialidade e frases curtas.\n", prompt, StringComparison.Ordinal);
        Assert.Contains("## Persona\n\nSeu nome é Clara; fale com calma.\n", prompt, StringComparison.Ordinal);
        Assert.Contains("## Sobre a empresa\n\nProvedor de internet em Porto Alegre. Atendimento de segunda a sexta.\n", prompt, StringComparison.Ordinal);
        Assert.Contains("português do Brasil", prompt, StringComparison.Ordinal);
        foreach (string tool in SystemPromptBuilder.AllTools)
        {
            Assert.Contains($"- `{tool}`: ", prompt, StringComparison.Ordinal);
        }

        Assert.Contains("protocolo", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_destinations_and_other_secretaries_destinations_are_left_out()
    {
        Secretary secretary = Secretary();
        List<TransferDestination> destinations = DestinationSamples.Seed();
        destinations[1].Enabled = false;
        destinations[2].SecretaryId = Guid.NewGuid();
        TransferDestination own = DestinationSamples.Person("Vendas", "Comercial");
        own.SecretaryId = secretary.Id;
        destinations.Add(own);

        string prompt = SystemPromptBuilder.Build(Demo, secretary, destinations);

        Assert.DoesNotContain("Jeni", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Suporte Técnico", prompt, StringComparison.Ordinal);
        Assert.Contains("| Vendas | Comercial | - | - | sempre |", prompt, StringComparison.Ordinal);
        Assert.Contains("| Atendimento (padrão) |", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_destinations_in_any_order_give_the_same_prompt()
    {
        Secretary secretary = Secretary();
        List<TransferDestination> destinations = [.. DestinationSamples.Seed(), DestinationSamples.Person("Ana", priority: 75), DestinationSamples.Person("Bruno", priority: 75)];
        string first = SystemPromptBuilder.Build(Demo, secretary, destinations);

        for (int seed = 1; seed <= 5; seed++)
        {
            List<TransferDestination> shuffled = [.. destinations.OrderBy(_ => new Random(seed).Next())];
            Assert.Equal(first, SystemPromptBuilder.Build(Demo, secretary, shuffled.OrderBy(d => d.Name.Length * seed % 7)));
        }

        Assert.True(first.IndexOf("| Ana |", StringComparison.Ordinal) < first.IndexOf("| Bruno |", StringComparison.Ordinal));
        Assert.True(first.IndexOf("| Bruno |", StringComparison.Ordinal) < first.IndexOf("| Suporte Técnico |", StringComparison.Ordinal));
    }

    [Fact]
    public void Table_cells_stay_on_one_line_without_pipes()
    {
        TransferDestination odd = DestinationSamples.Person("Vendas | Loja", "Comercial\nNorte");
        odd.Description = "linha 1\r\nlinha 2";

        string prompt = SystemPromptBuilder.Build(Demo, Secretary(), [odd]);

        Assert.Contains("| Vendas / Loja | Comercial Norte | - | linha 1 linha 2 | sempre |\n", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_transfer_call_there_is_no_table_and_without_destinations_the_agent_offers_a_message()
    {
        string noTransfer = SystemPromptBuilder.Build(Demo, Secretary(), DestinationSamples.Seed(), [SystemPromptBuilder.TakeMessage, SystemPromptBuilder.EndCall]);
        Assert.DoesNotContain("transfer_call", noTransfer, StringComparison.Ordinal);
        Assert.DoesNotContain("| Nome |", noTransfer, StringComparison.Ordinal);
        Assert.DoesNotContain("lookup_customer", noTransfer, StringComparison.Ordinal);
        Assert.Contains("- `take_message`: ", noTransfer, StringComparison.Ordinal);

        string empty = SystemPromptBuilder.Build(Demo, Secretary(), []);
        Assert.Contains("Não há destinos de transferência configurados", empty, StringComparison.Ordinal);
    }

    [Fact]
    public void By_default_the_rules_follow_the_tools_enabled_on_the_secretary()
    {
        Secretary secretary = Secretary();
        secretary.Tools = [SystemPromptBuilder.EndCall, SystemPromptBuilder.TransferCall];

        string prompt = SystemPromptBuilder.Build(Demo, secretary, DestinationSamples.Seed());

        Assert.Contains("| Jeni - Financeiro |", prompt, StringComparison.Ordinal);
        Assert.Equal(
            ["transfer_call", "end_call"],
            prompt.Split('\n').Where(line => line.StartsWith("- `", StringComparison.Ordinal)).Select(line => line[3..line.IndexOf('`', 3)]));
    }

    [Theory]
    [InlineData("en-US", "You are the virtual receptionist of XYZ.", "| Name | Department | Role | Description | Hours |", "| Jeni - Financeiro | Financeiro | Analista Financeiro | Responsável por cobranças e boletos | mon-fri 08:00-17:00 |")]
    [InlineData("es", "Usted es la secretaria virtual de la empresa XYZ.", "| Nombre | Departamento | Función | Descripción | Horario |", "| Jeni - Financeiro | Financeiro | Analista Financeiro | Responsável por cobranças e boletos | lun-vie 08:00-17:00 |")]
    [InlineData("fr-FR", "Você é a secretária virtual da empresa XYZ.", "| Nome | Departamento | Função | Descrição | Horário |", "| Jeni - Financeiro | Financeiro | Analista Financeiro | Responsável por cobranças e boletos | seg-sex 08:00-17:00 |")]
    public void The_prompt_speaks_the_secretary_language(string language, string identity, string header, string row)
    {
        string prompt = SystemPromptBuilder.Build(Demo, Secretary(language), DestinationSamples.Seed());

        Assert.StartsWith(identity + "\n", prompt, StringComparison.Ordinal);
        Assert.Contains(header + "\n", prompt, StringComparison.Ordinal);
        Assert.Contains(row + "\n", prompt, StringComparison.Ordinal);
    }
}
