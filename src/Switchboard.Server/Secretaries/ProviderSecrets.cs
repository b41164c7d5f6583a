using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Switchboard.Server.Secretaries;

/// <summary>
/// Encrypts provider secrets (API keys) with ASP.NET Core Data Protection before they reach the database, so a
/// copy of the database alone does not reveal them. The key ring lives in <c>&lt;DataRoot&gt;/keys</c> by default.
/// </summary>
public sealed class ProviderSecrets
{
    public const string Purpose = "Switchboard.ProviderSecrets.v1";

    private readonly IDataProtector _protector;

    public ProviderSecrets(IDataProtectionProvider dataProtection)
    {
        _protector = dataProtection.CreateProtector(Purpose);
    }

    /// <summary>Encrypts the secrets; the result goes to <see cref="AiProvider.ProtectedSecrets"/>.</summary>
    public string Protect(Dictionary<string, string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        string json = JsonSerializer.Serialize(secrets, SecretsJsonContext.Default.DictionaryStringString);
        return _protector.Protect(json);
    }

    /// <summary>Decrypts <see cref="AiProvider.ProtectedSecrets"/>; an empty value means no secrets.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// The value was tampered with, or the key ring that encrypted it is not available.
    /// </exception>
    public Dictionary<string, string> Unprotect(string protectedSecrets)
    {
        if (string.IsNullOrEmpty(protectedSecrets))
        {
            return [];
        }

        string json = _protector.Unprotect(protectedSecrets);
        return JsonSerializer.Deserialize(json, SecretsJsonContext.Default.DictionaryStringString) ?? [];
    }
}
