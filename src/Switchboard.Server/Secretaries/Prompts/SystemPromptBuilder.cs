using System.Globalization;
using System.Text;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Secretaries.Prompts;

/// <summary>
/// The system prompt of a call: who the secretary is and for which company, the secretary's own prompt and
/// persona, the language, the transfer destinations as seed 1's table (name, department, role, plus description
/// and hours) with examples and the confirmation line, and the rules for each tool offered. Deterministic: the same
/// rows give the same text (enabled destinations of this secretary or of every secretary, by priority then name).
/// </summary>
public static class SystemPromptBuilder
{
    public const string TransferCall = ToolNames.TransferCall;
    public const string TakeMessage = ToolNames.TakeMessage;
    public const string CreateTicket = ToolNames.CreateTicket;
    public const string EndCall = ToolNames.EndCall;
    public const string LookupCustomer = ToolNames.LookupCustomer;
    public const string CheckAppointment = ToolNames.CheckAppointment;

    /// <summary>Every tool the prompt knows rules for, in prompt order.</summary>
    public static IReadOnlyList<string> AllTools { get; } = [TransferCall, TakeMessage, CreateTicket, EndCall, LookupCustomer, CheckAppointment];

    /// <summary>
    /// Builds the prompt in the secretary's language (else the tenant's; pt-BR, en-US or es, others pt-BR).
    /// <paramref name="tools"/>: the tools the agent has (null: the secretary's <see cref="Secretary.Tools"/>); rules
    /// are written for the known ones (<see cref="AllTools"/>), and without <c>transfer_call</c> the destinations
    /// table is left out.
    /// </summary>
    public static string Build(Tenant tenant, Secretary secretary, IEnumerable<TransferDestination> destinations, IReadOnlyCollection<string>? tools = null)
    {
        tools ??= secretary.Tools;
        string language = CallerPhrases.For(string.IsNullOrWhiteSpace(secretary.Language) ? tenant.Language : secretary.Language).Language;
        Texts t = Texts.For(language);
        string company = string.IsNullOrWhiteSpace(tenant.DisplayName) ? tenant.DomainName : tenant.DisplayName.Trim();
        List<TransferDestination> offered = [.. destinations
            .Where(d => d.Enabled && (d.SecretaryId is null || d.SecretaryId == secretary.Id))
            .OrderBy(d => d.Priority)
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .ThenBy(d => d.Id)];

        var prompt = new StringBuilder();
        prompt.Append(string.Format(CultureInfo.InvariantCulture, t.Identity, company)).Append('\n');
        if (!string.IsNullOrWhiteSpace(secretary.Prompt))
        {
            prompt.Append('\n').Append(secretary.Prompt.Trim()).Append('\n');
        }

        Section(prompt, t.PersonaHeading, secretary.Persona);
        Section(prompt, t.CompanyHeading, tenant.CompanyInfo);
        Section(prompt, t.LanguageHeading, t.LanguageRule);

        if (tools.Contains(TransferCall))
        {
            prompt.Append('\n').Append("## ").Append(t.DestinationsHeading).Append("\n\n");
            if (offered.Count == 0)
            {
                prompt.Append(t.NoDestinations).Append('\n');
            }
            else
            {
                AppendDestinations(prompt, t, offered, language, tenant.TimeZone);
            }
        }

        prompt.Append('\n').Append("## ").Append(t.ToolsHeading).Append("\n\n");
        foreach (string tool in AllTools.Where(tools.Contains))
        {
            prompt.Append("- `").Append(tool).Append("`: ").Append(t.ToolRules[tool]).Append('\n');
        }

        prompt.Append('\n').Append(t.NeverInvent).Append('\n');
        return prompt.ToString();
    }

    private static void AppendDestinations(StringBuilder prompt, Texts t, List<TransferDestination> offered, string language, string timeZone)
    {
        prompt.Append(t.WhenTransfer).Append("\n\n");
        prompt.Append("| ").Append(string.Join(" | ", t.Columns)).Append(" |\n");
        prompt.Append('|').Append(string.Join('|', t.Columns.Select(c => new string('-', c.Length + 2)))).Append("|\n");
        foreach (TransferDestination d in offered)
        {
            string name = d.IsDefault ? d.Name + " " + t.DefaultMark : d.Name;
            string hours = d.WorkingHours is null ? t.Always : WorkingHoursText.Format(d.WorkingHours, language);
            prompt.Append("| ")
                .Append(string.Join(" | ", new[] { name, d.Department, d.Role, d.Description, hours }.Select(Cell)))
                .Append(" |\n");
        }

        prompt.Append('\n').Append(string.Format(CultureInfo.InvariantCulture, t.HoursZone, timeZone)).Append('\n');

        prompt.Append('\n').Append(t.ExamplesHeading).Append('\n');
        foreach (TransferDestination d in offered)
        {
            string[] words = [.. d.Aliases.Select(Inline).Where(a => a.Length > 0)];
            if (words.Length > 0)
            {
                prompt.Append("- ").Append(string.Join(", ", words.Select(w => "\"" + w + "\"")))
                    .Append(" → ").Append(TransferCall).Append("(destination=\"").Append(Inline(d.Name)).Append("\")\n");
            }
        }

        if (offered.FirstOrDefault(d => d.IsDefault) is { } fallback)
        {
            prompt.Append("- ").Append(t.AnyoneExample).Append(" → ").Append(TransferCall)
                .Append("(destination=\"").Append(Inline(fallback.Name)).Append("\")\n");
        }

        prompt.Append('\n').Append(t.ConfirmBefore).Append('\n');
        prompt.Append('"').Append(t.ConfirmLine).Append("\"\n");
        prompt.Append('\n').Append(t.AfterResult).Append('\n');
    }

    private static void Section(StringBuilder prompt, string heading, string? body)
    {
        if (!string.IsNullOrWhiteSpace(body))
        {
            prompt.Append('\n').Append("## ").Append(heading).Append("\n\n").Append(body.Trim()).Append('\n');
        }
    }

    /// <summary>A table cell: one line, no pipes, "-" when empty.</summary>
    private static string Cell(string? text)
    {
        string inline = Inline(text).Replace('|', '/');
        return inline.Length == 0 ? "-" : inline;
    }

    private static string Inline(string? text) =>
        string.Join(' ', (text ?? "").Split(['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)).Replace("\"", "'", StringComparison.Ordinal);

    private sealed record Texts
    {
        public required string Identity { get; init; }

        public required string PersonaHeading { get; init; }

        public required string CompanyHeading { get; init; }

        public required string LanguageHeading { get; init; }

        public required string LanguageRule { get; init; }

        public required string DestinationsHeading { get; init; }

        public required string NoDestinations { get; init; }

        public required string WhenTransfer { get; init; }

        public required string[] Columns { get; init; }

        public required string DefaultMark { get; init; }

        public required string Always { get; init; }

        public required string HoursZone { get; init; }

        public required string ExamplesHeading { get; init; }

        public required string AnyoneExample { get; init; }

        public required string ConfirmBefore { get; init; }

        public required string ConfirmLine { get; init; }

        public required string AfterResult { get; init; }

        public required string ToolsHeading { get; init; }

        public required Dictionary<string, string> ToolRules { get; init; }

        public required string NeverInvent { get; init; }

        public static Texts For(string? language) => CallerPhrases.For(language).Language switch
        {
            "en-US" => English,
            "es" => Spanish,
            _ => Portuguese,
        };

        private static readonly Texts Portuguese = new()
        {
            Identity = "Você é a secretária virtual da empresa {0}.",
            PersonaHeading = "Persona",
            CompanyHeading = "Sobre a empresa",
            LanguageHeading = "Idioma",
            LanguageRule = "Fale sempre em português do Brasil, com frases curtas e naturais, próprias de uma ligação telefônica.",
            DestinationsHeading = "Destinos de Transferência Disponíveis",
            NoDestinations = "Não há destinos de transferência configurados. Se o cliente quiser falar com alguém, ofereça anotar um recado.",
            WhenTransfer = "Quando o cliente quiser falar com alguém, use a função `transfer_call`:",
            Columns = ["Nome", "Departamento", "Função", "Descrição", "Horário"],
            DefaultMark = "(padrão)",
            Always = "sempre",
            HoursZone = "Horários no fuso {0}. O destino marcado (padrão) atende quem quer falar com qualquer pessoa.",
            ExamplesHeading = "Exemplos:",
            AnyoneExample = "\"Quero falar com alguém\"",
            ConfirmBefore = "Antes de transferir, confirme com o cliente:",
            ConfirmLine = "Vou transferir você para [Nome] do [Departamento]. Um momento...",
            AfterResult = "Se a função disser que o destino está fora do horário, ocupado ou não atendeu, informe o cliente com gentileza e ofereça anotar um recado.",
            ToolsHeading = "Ferramentas",
            ToolRules = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TransferCall] = "transfere a ligação para um destino da tabela acima; passe o nome ou o apelido do destino. Se houver dúvida entre dois destinos, pergunte ao cliente antes.",
                [TakeMessage] = "quando ninguém puder atender ou o cliente quiser deixar recado, pergunte o nome, o telefone para retorno e o recado, confirme os dados com o cliente e chame a função. Diga ao cliente o número de protocolo que ela devolver.",
                [CreateTicket] = "abre um chamado para a equipe resolver um pedido ou problema (por exemplo, quando o destino não atende e a regra dele é abrir chamado); resuma o pedido com as palavras do cliente e diga a ele o número de protocolo que a função devolver.",
                [EndCall] = "quando o cliente se despedir ou não precisar de mais nada, despeça-se e chame a função para encerrar a ligação.",
                [LookupCustomer] = "consulta o cadastro do cliente pelo telefone ou documento quando isso ajudar no atendimento; não revele dados cadastrais a quem não confirmou a identidade.",
                [CheckAppointment] = "consulta agendamentos e horários marcados quando o cliente perguntar; nunca invente datas ou horários.",
            },
            NeverInvent = "Nunca invente destinos, ramais, números de telefone ou informações que não estejam neste texto ou nas respostas das funções.",
        };

        private static readonly Texts English = new()
        {
            Identity = "You are the virtual receptionist of {0}.",
            PersonaHeading = "Persona",
            CompanyHeading = "About the company",
            LanguageHeading = "Language",
            LanguageRule = "Always speak American English, in short, natural sentences suited to a phone call.",
            DestinationsHeading = "Available Transfer Destinations",
            NoDestinations = "No transfer destinations are configured. If the caller wants to speak with someone, offer to take a message.",
            WhenTransfer = "When the caller wants to speak with someone, use the `transfer_call` function:",
            Columns = ["Name", "Department", "Role", "Description", "Hours"],
            DefaultMark = "(default)",
            Always = "always",
            HoursZone = "Hours are in the {0} time zone. The (default) destination takes callers who want to speak with anyone.",
            ExamplesHeading = "Examples:",
            AnyoneExample = "\"I want to talk to someone\"",
            ConfirmBefore = "Before transferring, confirm with the caller:",
            ConfirmLine = "I'll transfer you to [Name] from [Department]. One moment...",
            AfterResult = "If the function says the destination is outside its hours, busy or did not answer, tell the caller kindly and offer to take a message.",
            ToolsHeading = "Tools",
            ToolRules = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TransferCall] = "transfers the call to a destination in the table above; pass the destination's name or alias. If two destinations could fit, ask the caller first.",
                [TakeMessage] = "when nobody can answer or the caller wants to leave a message, ask for their name, a callback number and the message, confirm them with the caller and call the function. Tell the caller the ticket number it returns.",
                [CreateTicket] = "opens a ticket for the team to handle a request or problem (for example when the destination does not answer and its rule is to open a ticket); summarise the request in the caller's words and tell the caller the ticket number it returns.",
                [EndCall] = "when the caller says goodbye or needs nothing else, say goodbye and call the function to end the call.",
                [LookupCustomer] = "looks up the caller's record by phone number or document when that helps; never reveal record details to someone who has not confirmed their identity.",
                [CheckAppointment] = "looks up appointments and booked times when the caller asks; never make up dates or times.",
            },
            NeverInvent = "Never make up destinations, extensions, phone numbers or facts that are not in this text or in the functions' answers.",
        };

        private static readonly Texts Spanish = new()
        {
            Identity = "Usted es la secretaria virtual de la empresa {0}.",
            PersonaHeading = "Personalidad",
            CompanyHeading = "Sobre la empresa",
            LanguageHeading = "Idioma",
            LanguageRule = "Hable siempre en español, con frases cortas y naturales, propias de una llamada telefónica.",
            DestinationsHeading = "Destinos de Transferencia Disponibles",
            NoDestinations = "No hay destinos de transferencia configurados. Si el cliente quiere hablar con alguien, ofrezca tomar un mensaje.",
            WhenTransfer = "Cuando el cliente quiera hablar con alguien, use la función `transfer_call`:",
            Columns = ["Nombre", "Departamento", "Función", "Descripción", "Horario"],
            DefaultMark = "(predeterminado)",
            Always = "siempre",
            HoursZone = "Horarios en la zona horaria {0}. El destino (predeterminado) atiende a quien quiera hablar con cualquier persona.",
            ExamplesHeading = "Ejemplos:",
            AnyoneExample = "\"Quiero hablar con alguien\"",
            ConfirmBefore = "Antes de transferir, confirme con el cliente:",
            ConfirmLine = "Le voy a transferir con [Nombre] de [Departamento]. Un momento...",
            AfterResult = "Si la función indica que el destino está fuera de horario, ocupado o no contestó, infórmelo al cliente con amabilidad y ofrezca tomar un mensaje.",
            ToolsHeading = "Herramientas",
            ToolRules = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TransferCall] = "transfiere la llamada a un destino de la tabla anterior; indique el nombre o el alias del destino. Si hay duda entre dos destinos, pregunte antes al cliente.",
                [TakeMessage] = "cuando nadie pueda atender o el cliente quiera dejar un mensaje, pida su nombre, un teléfono de contacto y el mensaje, confírmelos con el cliente y llame a la función. Dígale al cliente el número de ticket que devuelva.",
                [CreateTicket] = "abre un ticket para que el equipo atienda una solicitud o un problema (por ejemplo, cuando el destino no contesta y su regla es abrir un ticket); resuma la solicitud con las palabras del cliente y dígale el número de ticket que devuelva.",
                [EndCall] = "cuando el cliente se despida o no necesite nada más, despídase y llame a la función para terminar la llamada.",
                [LookupCustomer] = "consulta el registro del cliente por teléfono o documento cuando ayude a atenderlo; no revele datos a quien no haya confirmado su identidad.",
                [CheckAppointment] = "consulta citas y horarios reservados cuando el cliente pregunte; nunca invente fechas u horarios.",
            },
            NeverInvent = "Nunca invente destinos, extensiones, teléfonos ni información que no esté en este texto o en las respuestas de las funciones.",
        };
    }
}
