using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Destinations;

/// <summary>Seed 1's three example destinations (the demo tenant's), fresh for each test.</summary>
internal static class DestinationSamples
{
    private static int _nextNumber = 2000;

    public static readonly WorkingHours Weekdays8To18 = new() { Start = new(8, 0), End = new(18, 0) };

    public static TransferDestination Atendimento() => new()
    {
        Id = Guid.NewGuid(),
        Name = "Atendimento",
        Aliases = ["atendimento", "atendente", "alguém", "pessoa", "humano", "operador"],
        DestinationType = TransferDestinationType.RingGroup,
        DestinationNumber = "9000",
        Department = "Atendimento Geral",
        Role = "Atendente",
        Description = "Fila principal de atendimento",
        WorkingHours = Weekdays8To18,
        Priority = 100,
        IsDefault = true,
    };

    public static TransferDestination Jeni() => new()
    {
        Id = Guid.NewGuid(),
        Name = "Jeni - Financeiro",
        Aliases = ["jeni", "jeniffer", "jennifer", "financeiro", "contas", "boleto", "pagamento"],
        DestinationType = TransferDestinationType.Extension,
        DestinationNumber = "1004",
        Department = "Financeiro",
        Role = "Analista Financeiro",
        Description = "Responsável por cobranças e boletos",
        WorkingHours = new WorkingHours { Start = new(8, 0), End = new(17, 0) },
        Priority = 50,
    };

    public static TransferDestination Suporte() => new()
    {
        Id = Guid.NewGuid(),
        Name = "Suporte Técnico",
        Aliases = ["suporte", "técnico", "problema", "internet", "conexão", "lento", "caiu"],
        DestinationType = TransferDestinationType.Queue,
        DestinationNumber = "5001",
        Department = "Suporte",
        Role = "Técnico",
        Description = "Equipe de suporte técnico",
        WorkingHours = new WorkingHours { Start = new(0, 0), End = new(23, 59), Days = Enum.GetValues<DayOfWeek>() },
        Priority = 75,
    };

    public static List<TransferDestination> Seed() => [Atendimento(), Jeni(), Suporte()];

    public static TransferDestination Person(string name, string? department = null, int priority = 100, string? role = null) => new()
    {
        Id = Guid.NewGuid(),
        Name = name,
        DestinationNumber = Interlocked.Increment(ref _nextNumber).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Department = department,
        Role = role,
        Priority = priority,
    };
}
