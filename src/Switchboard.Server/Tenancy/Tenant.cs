namespace Switchboard.Server.Tenancy;

/// <summary>A customer company: one FusionPBX domain.</summary>
public sealed class Tenant
{
    /// <summary>FusionPBX <c>domain_uuid</c>.</summary>
    public Guid Id { get; set; }

    /// <summary>FusionPBX domain name, lower case; also the FreeSWITCH dialplan context of the domain.</summary>
    public string DomainName { get; set; } = "";

    /// <summary>Company name as callers hear it ("Você ligou para a {DisplayName}").</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Free text about the company for the agent's prompt (services, address, opening hours...).</summary>
    public string CompanyInfo { get; set; } = "";

    /// <summary>IANA time zone id, used for working hours.</summary>
    public string TimeZone { get; set; } = DefaultTimeZone;

    /// <summary>BCP 47 language tag of caller-facing phrases.</summary>
    public string Language { get; set; } = DefaultLanguage;

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public const string DefaultTimeZone = "America/Sao_Paulo";

    public const string DefaultLanguage = "pt-BR";
}
