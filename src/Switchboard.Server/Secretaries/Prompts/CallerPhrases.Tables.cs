using System.Globalization;

namespace Switchboard.Server.Secretaries.Prompts;

public sealed partial class CallerPhrases
{
    private static string Clock24(DateTime time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static readonly Table Portuguese = new()
    {
        Language = "pt-BR",
        Greeting = "Olá! Você ligou para a {0}. Como posso ajudar?",
        GreetingNoCompany = "Olá! Como posso ajudar?",
        OneMoment = "Um momento, por favor.",
        Goodbye = "Obrigada pela ligação. Até logo!",
        StillThere = "Você ainda está na linha?",
        Transferring = "Vou transferir você para {0}. Um momento...",
        TransferringWithDepartment = "Vou transferir você para {0} do {1}. Um momento...",
        Success = "Conectando você com {0}...",
        Busy = "O ramal de {0} está ocupado no momento.",
        NoAnswer = "{0} não está disponível no momento.",
        Unavailable = "{0} não está online no momento.",
        Rejected = "{0} não pode atender agora.",
        Failed = "Desculpe, não foi possível completar a transferência.",
        OutsideHours = "{0} não está atendendo neste horário.",
        OutsideHoursUntil = "{0} não está atendendo neste horário. O atendimento volta {1}.",
        Today = "hoje às {0}",
        Tomorrow = "amanhã às {0}",
        OnDay = "{0} às {1}",
        DayNames = ["no domingo", "na segunda-feira", "na terça-feira", "na quarta-feira", "na quinta-feira", "na sexta-feira", "no sábado"],
        Time = Clock24,
        OfferMessage = "Gostaria de deixar um recado? Vou anotar e encaminhar para retorno.",
        TicketCreated = "Vou registrar o seu pedido para que a equipe retorne.",
        ToVoicemail = "Vou transferir para a caixa postal.",
        AnythingElse = "Posso ajudar com mais alguma coisa?",
        Announcement = "Ligação de {0}, para {1}. Assunto: {2}. Disque 1 para atender ou 2 para recusar.",
        AnnouncerInstructions = "Você é a secretária virtual e está ligando para um atendente humano para anunciar uma ligação. Diga em uma ou duas frases quem está ligando e por quê, com base nestes dados: {0}. Pergunte se pode conectar. Se o atendente aceitar (\"sim\", \"pode passar\", \"aceito\"), chame accept_transfer. Se recusar (\"não\", \"agora não\", \"estou ocupado\"), chame reject_transfer com o motivo. Não converse sobre outros assuntos.",
        AskName = "Qual é o seu nome, por favor?",
        AskCallbackNumber = "Em qual número podemos retornar a ligação?",
        AskMessage = "Pode falar o seu recado, estou anotando.",
        MessageRecorded = "Recado registrado com o protocolo número {0}. Vamos retornar assim que possível.",
        NotFound = "Não encontrei esse contato. Posso transferir para o atendimento geral?",
        WhichOne = "Com quem você gostaria de falar: {0}?",
        Or = "ou",
    };

    private static readonly Table English = new()
    {
        Language = "en-US",
        Greeting = "Hello! You've reached {0}. How can I help you?",
        GreetingNoCompany = "Hello! How can I help you?",
        OneMoment = "One moment, please.",
        Goodbye = "Thank you for calling. Goodbye!",
        StillThere = "Are you still there?",
        Transferring = "I'll transfer you to {0}. One moment...",
        TransferringWithDepartment = "I'll transfer you to {0} from {1}. One moment...",
        Success = "Connecting you with {0}...",
        Busy = "{0}'s line is busy at the moment.",
        NoAnswer = "{0} is not available at the moment.",
        Unavailable = "{0} is not online at the moment.",
        Rejected = "{0} can't take your call right now.",
        Failed = "Sorry, I couldn't complete the transfer.",
        OutsideHours = "{0} is not taking calls at this time.",
        OutsideHoursUntil = "{0} is not taking calls at this time. They'll be back {1}.",
        Today = "today at {0}",
        Tomorrow = "tomorrow at {0}",
        OnDay = "on {0} at {1}",
        DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        Time = time => time.ToString("h:mm tt", CultureInfo.InvariantCulture),
        OfferMessage = "Would you like to leave a message? I'll take it down and pass it on so they can call you back.",
        TicketCreated = "I'll log your request so the team can get back to you.",
        ToVoicemail = "I'll transfer you to voicemail.",
        AnythingElse = "Is there anything else I can help you with?",
        Announcement = "Call from {0}, for {1}. About: {2}. Press 1 to take the call or 2 to decline.",
        AnnouncerInstructions = "You are the virtual secretary, calling a human colleague to announce a call. In one or two sentences say who is calling and why, from these facts: {0}. Ask whether you may put them through. If the colleague accepts (\"yes\", \"put them through\"), call accept_transfer. If they decline (\"no\", \"not now\", \"I'm busy\"), call reject_transfer with the reason. Do not talk about anything else.",
        AskName = "May I have your name, please?",
        AskCallbackNumber = "What number can we call you back on?",
        AskMessage = "Go ahead with your message, I'm taking it down.",
        MessageRecorded = "Your message is recorded under ticket number {0}. We'll get back to you as soon as possible.",
        NotFound = "I couldn't find that contact. Shall I transfer you to our general line?",
        WhichOne = "Who would you like to speak with: {0}?",
        Or = "or",
    };

    private static readonly Table SpanishTable = new()
    {
        Language = "es",
        Greeting = "¡Hola! Se ha comunicado con {0}. ¿En qué puedo ayudarle?",
        GreetingNoCompany = "¡Hola! ¿En qué puedo ayudarle?",
        OneMoment = "Un momento, por favor.",
        Goodbye = "Gracias por su llamada. ¡Hasta luego!",
        StillThere = "¿Sigue en la línea?",
        Transferring = "Le voy a transferir con {0}. Un momento...",
        TransferringWithDepartment = "Le voy a transferir con {0} de {1}. Un momento...",
        Success = "Conectándole con {0}...",
        Busy = "La extensión de {0} está ocupada en este momento.",
        NoAnswer = "{0} no está disponible en este momento.",
        Unavailable = "{0} no está en línea en este momento.",
        Rejected = "{0} no puede atender ahora.",
        Failed = "Lo siento, no fue posible completar la transferencia.",
        OutsideHours = "{0} no atiende en este horario.",
        OutsideHoursUntil = "{0} no atiende en este horario. Vuelve a atender {1}.",
        Today = "hoy a las {0}",
        Tomorrow = "mañana a las {0}",
        OnDay = "el {0} a las {1}",
        DayNames = ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
        Time = Clock24,
        OfferMessage = "¿Desea dejar un mensaje? Lo anoto y lo paso para que le devuelvan la llamada.",
        TicketCreated = "Voy a registrar su solicitud para que el equipo le responda.",
        ToVoicemail = "Le transfiero al buzón de voz.",
        AnythingElse = "¿Puedo ayudarle con algo más?",
        Announcement = "Llamada de {0}, para {1}. Asunto: {2}. Marque 1 para atender o 2 para rechazar.",
        AnnouncerInstructions = "Usted es la secretaria virtual y llama a un colega para anunciar una llamada. En una o dos frases diga quién llama y por qué, con estos datos: {0}. Pregunte si puede pasar la llamada. Si el colega acepta (\"sí\", \"pásela\"), llame a accept_transfer. Si rechaza (\"no\", \"ahora no\", \"estoy ocupado\"), llame a reject_transfer con el motivo. No hable de otros temas.",
        AskName = "¿Me dice su nombre, por favor?",
        AskCallbackNumber = "¿A qué número le podemos devolver la llamada?",
        AskMessage = "Puede dejar su mensaje, lo estoy anotando.",
        MessageRecorded = "Su mensaje quedó registrado con el número de ticket {0}. Le responderemos lo antes posible.",
        NotFound = "No encontré ese contacto. ¿Le transfiero con la atención general?",
        WhichOne = "¿Con quién desea hablar: {0}?",
        Or = "o",
    };

    // After the tables: static initializers run in text order within a file (not across partial files).
    public static CallerPhrases PortugueseBrazil { get; } = new(Portuguese);

    public static CallerPhrases EnglishUs { get; } = new(English);

    public static CallerPhrases Spanish { get; } = new(SpanishTable);

    public static IReadOnlyList<CallerPhrases> All { get; } = [PortugueseBrazil, EnglishUs, Spanish];
}
