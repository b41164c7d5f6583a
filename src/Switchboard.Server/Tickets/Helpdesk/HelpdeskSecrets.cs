using Microsoft.AspNetCore.DataProtection;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>Encrypts webhook signing secrets with Data Protection before they reach the database (as provider secrets are).</summary>
public sealed class HelpdeskSecrets
{
    public const string Purpose = "Switchboard.HelpdeskSecrets.v1";

    private readonly IDataProtector _protector;

    public HelpdeskSecrets(IDataProtectionProvider dataProtection)
    {
        _protector = dataProtection.CreateProtector(Purpose);
    }

    public string Protect(string secret) => _protector.Protect(secret);

    /// <exception cref="System.Security.Cryptography.CryptographicException">Tampered with, or the key ring is not available.</exception>
    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
