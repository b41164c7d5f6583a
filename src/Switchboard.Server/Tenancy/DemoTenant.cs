using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tenancy;

/// <summary>
/// The demo company created at first start (<c>Data:SeedDemoTenant</c>, on by default) so that <c>dotnet run</c>
/// and the sandbox have a secretary to call: extension 8000 answers with the offline Local provider and offers
/// seed 1's three destinations. Fixed ids so tests, the sandbox and documentation can name them.
/// </summary>
public static class DemoTenant
{
    /// <summary>Domain uuid of the demo tenant.</summary>
    public static readonly Guid Id = new("5a17c4b0-0de0-4d3e-9a11-000000000001");

    public static readonly Guid SecretaryId = new("5a17c4b0-0de0-4d3e-9a11-000000000002");

    public static readonly Guid LocalProviderId = new("5a17c4b0-0de0-4d3e-9a11-000000000003");

    public static readonly Guid AtendimentoDestinationId = new("5a17c4b0-0de0-4d3e-9a11-000000000011");

    public static readonly Guid FinanceiroDestinationId = new("5a17c4b0-0de0-4d3e-9a11-000000000012");

    public static readonly Guid SuporteDestinationId = new("5a17c4b0-0de0-4d3e-9a11-000000000013");

    /// <summary>Also the FreeSWITCH dialplan context of the demo destinations (FusionPBX names contexts after domains).</summary>
    public const string DomainName = "demo.switchboard.local";

    public const string SecretaryExtension = "8000";

    public const string Greeting = "Olá! Você ligou para a Demo. Como posso ajudar?";

    /// <summary>Creates the demo tenant unless it exists; returns whether it did. Safe when nodes start together.</summary>
    internal static async Task<bool> SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();

        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({DatabaseMigrator.PostgresLockKey})", cancellationToken);
        }

        if (await db.Tenants.AnyAsync(cancellationToken))
        {
            return false;
        }

        db.Tenants.Add(new Tenant
        {
            Id = Id,
            DomainName = DomainName,
            DisplayName = "Demo",
            CompanyInfo = "A Demo é uma empresa fictícia para experimentar a Switchboard. "
                + "Atendimento de segunda a sexta, das 8h às 18h; suporte técnico 24 horas.",
        });
        db.AiProviders.Add(new AiProvider
        {
            Id = LocalProviderId,
            Name = "Local (offline)",
            Type = AiProviderType.Local,
        });
        db.Secretaries.Add(new Secretary
        {
            Id = SecretaryId,
            Name = "Secretária Virtual",
            Extension = SecretaryExtension,
            ProcessingMode = ProcessingMode.Auto,
            ProviderId = LocalProviderId,
            Language = "pt-BR",
            Greeting = Greeting,
            Prompt = "Você é a secretária virtual da Demo. Atenda com cordialidade e frases curtas. "
                + "Quando o cliente quiser falar com alguém, transfira para o destino adequado; "
                + "se ninguém puder atender, ofereça anotar um recado.",
        });
        db.TransferDestinations.AddRange(Destinations());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        Log.DemoTenantCreated(scope.ServiceProvider.GetRequiredService<ILogger<SwitchboardDbContext>>(), DomainName, Id);
        return true;
    }

    private static IEnumerable<TransferDestination> Destinations()
    {
        WorkingHours weekdays(int endHour) => new() { Start = new TimeOnly(8, 0), End = new TimeOnly(endHour, 0) };

        yield return new TransferDestination
        {
            Id = AtendimentoDestinationId,
            SecretaryId = SecretaryId,
            Name = "Atendimento",
            Aliases = ["atendimento", "atendente", "alguém", "pessoa", "humano", "operador"],
            DestinationType = TransferDestinationType.RingGroup,
            DestinationNumber = "9000",
            DestinationContext = DomainName,
            RingTimeoutSeconds = 30,
            MaxRetries = 1,
            RetryDelaySeconds = 5,
            FallbackAction = TransferFallbackAction.OfferTicket,
            Department = "Atendimento Geral",
            Role = "Atendente",
            Description = "Fila principal de atendimento",
            WorkingHours = weekdays(18),
            Priority = 100,
            IsDefault = true,
        };
        yield return new TransferDestination
        {
            Id = FinanceiroDestinationId,
            SecretaryId = SecretaryId,
            Name = "Jeni - Financeiro",
            Aliases = ["jeni", "jeniffer", "jennifer", "financeiro", "contas", "boleto", "pagamento"],
            DestinationType = TransferDestinationType.Extension,
            DestinationNumber = "1004",
            DestinationContext = DomainName,
            RingTimeoutSeconds = 25,
            MaxRetries = 2,
            RetryDelaySeconds = 3,
            FallbackAction = TransferFallbackAction.OfferTicket,
            Department = "Financeiro",
            Role = "Analista Financeiro",
            Description = "Responsável por cobranças e boletos",
            WorkingHours = weekdays(17),
            Priority = 50,
        };
        yield return new TransferDestination
        {
            Id = SuporteDestinationId,
            SecretaryId = SecretaryId,
            Name = "Suporte Técnico",
            Aliases = ["suporte", "técnico", "problema", "internet", "conexão", "lento", "caiu"],
            DestinationType = TransferDestinationType.Queue,
            DestinationNumber = "5001",
            DestinationContext = DomainName,
            RingTimeoutSeconds = 45,
            MaxRetries = 1,
            RetryDelaySeconds = 5,
            FallbackAction = TransferFallbackAction.CreateTicket,
            Department = "Suporte",
            Role = "Técnico",
            Description = "Equipe de suporte técnico",
            WorkingHours = new WorkingHours { Start = new TimeOnly(0, 0), End = new TimeOnly(23, 59), Days = Enum.GetValues<DayOfWeek>() },
            Priority = 75,
        };
    }
}
