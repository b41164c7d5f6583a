using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Recordings;

/// <summary>
/// Time-limited links to a call's recording: <c>/recordings/{tenantId}/{callUuid}?token=...</c>. The token is the
/// tenant, call and expiry sealed with Data Protection (the key ring every node shares), so it cannot be forged,
/// altered or moved to another tenant or call, and it is checked against <see cref="TimeProvider"/>.
/// </summary>
public sealed class RecordingLinks
{
    public const string Purpose = "Switchboard.RecordingLinks.v1";

    private readonly IDataProtector _protector;
    private readonly TimeProvider _time;
    private readonly RecordingsOptions _options;

    public RecordingLinks(IDataProtectionProvider dataProtection, TimeProvider timeProvider, IOptions<RecordingsOptions> options)
    {
        _protector = dataProtection.CreateProtector(Purpose);
        _time = timeProvider;
        _options = options.Value;
    }

    /// <summary>The path of a call's recording on this service, without a token.</summary>
    public static string PathOf(Guid tenantId, string callUuid) =>
        $"/recordings/{tenantId.ToString("D", CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(callUuid)}";

    /// <summary>A link valid for <see cref="RecordingsOptions.LinkLifetime"/>, absolute when <see cref="RecordingsOptions.PublicBaseUrl"/> is set.</summary>
    public string CreateLink(Guid tenantId, string callUuid) =>
        CreateLink(tenantId, callUuid, _time.GetUtcNow() + _options.LinkLifetime);

    public string CreateLink(Guid tenantId, string callUuid, DateTimeOffset expiresAt)
    {
        string path = $"{PathOf(tenantId, callUuid)}?token={CreateToken(tenantId, callUuid, expiresAt)}";
        return _options.PublicBaseUrl is { } baseUrl ? baseUrl.ToString().TrimEnd('/') + path : path;
    }

    public string CreateToken(Guid tenantId, string callUuid, DateTimeOffset expiresAt)
    {
        byte[] call = Encoding.UTF8.GetBytes(callUuid);
        byte[] payload = new byte[16 + 8 + call.Length];
        tenantId.TryWriteBytes(payload.AsSpan(0, 16));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(16, 8), expiresAt.ToUnixTimeSeconds());
        call.CopyTo(payload.AsSpan(24));
        return WebEncoders.Base64UrlEncode(_protector.Protect(payload));
    }

    /// <summary>True when <paramref name="token"/> was made by us for this tenant and call and has not expired.</summary>
    public bool IsValid(string? token, Guid tenantId, string callUuid)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            return false;
        }

        byte[] payload;
        try
        {
            payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
        }
        catch (FormatException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }

        if (payload.Length < 24)
        {
            return false;
        }

        long expires = BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16, 8));
        return new Guid(payload.AsSpan(0, 16)) == tenantId
            && payload.AsSpan(24).SequenceEqual(Encoding.UTF8.GetBytes(callUuid))
            && _time.GetUtcNow().ToUnixTimeSeconds() < expires;
    }
}
