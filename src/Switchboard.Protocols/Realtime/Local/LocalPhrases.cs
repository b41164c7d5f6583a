using System.Globalization;

namespace Switchboard.Protocols.Realtime.Local;

/// <summary>
/// Everything the local agent says, per language. <c>{0}</c> is a destination name, a company name, a key or a ticket
/// number as each property says. Override single phrases with <c>LocalPhrases.For("pt-BR") with { Goodbye = "..." }</c>.
/// </summary>
public sealed record LocalPhrases
{
    /// <summary>Greeting with the company name as {0}.</summary>
    public required string Greeting { get; init; }

    /// <summary>Greeting when the company has no name.</summary>
    public required string GreetingWithoutCompany { get; init; }

    /// <summary>One menu line: destination {0}, key {1}.</summary>
    public required string MenuLine { get; init; }

    /// <summary>The message option: key {0}.</summary>
    public required string MessageOption { get; init; }

    /// <summary>Destination {0}.</summary>
    public required string Transferring { get; init; }

    public required string NotUnderstood { get; init; }

    public required string MessagePrompt { get; init; }

    /// <summary>Ticket number {0}.</summary>
    public required string MessageTaken { get; init; }

    public required string MessageTakenWithoutNumber { get; init; }

    public required string MessageFailed { get; init; }

    public required string Goodbye { get; init; }

    public required string OneMoment { get; init; }

    /// <summary>Transfer failed because the destination {0} was busy.</summary>
    public required string Busy { get; init; }

    /// <summary>Destination {0} did not answer.</summary>
    public required string NoAnswer { get; init; }

    /// <summary>Destination {0} could not be reached for any other reason.</summary>
    public required string Unavailable { get; init; }

    /// <summary>
    /// How the <c>#</c> key is said: the transcript keeps <c>#</c>, the synthesiser gets this word (eSpeak skips the sign in
    /// Portuguese).
    /// </summary>
    public required string HashKey { get; init; }

    /// <summary>Brazilian Portuguese, the default.</summary>
    public static LocalPhrases PortugueseBrazil { get; } = new()
    {
        Greeting = "Olá, você ligou para {0}.",
        GreetingWithoutCompany = "Olá, obrigado por ligar.",
        MenuLine = "Para {0}, disque {1}.",
        MessageOption = "Para deixar um recado, disque {0}.",
        Transferring = "Transferindo para {0}.",
        NotUnderstood = "Desculpe, não entendi.",
        MessagePrompt = "Deixe seu recado após o sinal; ao terminar, pressione # ou aguarde.",
        MessageTaken = "Seu recado foi registrado com o número {0}.",
        MessageTakenWithoutNumber = "Seu recado foi registrado.",
        MessageFailed = "Desculpe, não foi possível registrar seu recado.",
        Goodbye = "Obrigado pela ligação. Até logo.",
        OneMoment = "Um momento.",
        Busy = "{0} está ocupado no momento.",
        NoAnswer = "{0} não atende no momento.",
        Unavailable = "{0} não está disponível no momento.",
        HashKey = "jogo da velha",
    };

    /// <summary>American English.</summary>
    public static LocalPhrases English { get; } = new()
    {
        Greeting = "Hello, you have reached {0}.",
        GreetingWithoutCompany = "Hello, thank you for calling.",
        MenuLine = "For {0}, press {1}.",
        MessageOption = "To leave a message, press {0}.",
        Transferring = "Transferring you to {0}.",
        NotUnderstood = "Sorry, I did not understand.",
        MessagePrompt = "Please leave your message after the tone; when you are done, press # or wait.",
        MessageTaken = "Your message was recorded under number {0}.",
        MessageTakenWithoutNumber = "Your message was recorded.",
        MessageFailed = "Sorry, your message could not be recorded.",
        Goodbye = "Thank you for calling. Goodbye.",
        OneMoment = "One moment, please.",
        Busy = "{0} is busy right now.",
        NoAnswer = "{0} is not answering right now.",
        Unavailable = "{0} is not available right now.",
        HashKey = "pound",
    };

    /// <summary>Spanish.</summary>
    public static LocalPhrases Spanish { get; } = new()
    {
        Greeting = "Hola, ha llamado a {0}.",
        GreetingWithoutCompany = "Hola, gracias por llamar.",
        MenuLine = "Para {0}, marque {1}.",
        MessageOption = "Para dejar un mensaje, marque {0}.",
        Transferring = "Transfiriendo a {0}.",
        NotUnderstood = "Disculpe, no le entendí.",
        MessagePrompt = "Deje su mensaje después de la señal; al terminar, pulse # o espere.",
        MessageTaken = "Su mensaje fue registrado con el número {0}.",
        MessageTakenWithoutNumber = "Su mensaje fue registrado.",
        MessageFailed = "Disculpe, no fue posible registrar su mensaje.",
        Goodbye = "Gracias por llamar. Hasta luego.",
        OneMoment = "Un momento, por favor.",
        Busy = "{0} está ocupado en este momento.",
        NoAnswer = "{0} no contesta en este momento.",
        Unavailable = "{0} no está disponible en este momento.",
        HashKey = "almohadilla",
    };

    /// <summary>The built-in phrases for a language tag (<c>pt</c>, <c>en</c>, <c>es</c> and their regions); null when there are none.</summary>
    public static LocalPhrases? For(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        string tag = language.Trim().ToLowerInvariant();
        int dash = tag.IndexOfAny(['-', '_']);
        return (dash < 0 ? tag : tag[..dash]) switch
        {
            "pt" => PortugueseBrazil,
            "en" => English,
            "es" => Spanish,
            _ => null,
        };
    }

    internal static string Format(string phrase, params object[] values) =>
        string.Format(CultureInfo.InvariantCulture, phrase, values);
}
