using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Server.Calls;

/// <summary>
/// Signs and checks the per-call token that FreeSWITCH presents when mod_audio_stream connects to
/// <c>/stream/{domainUuid}/{callUuid}</c>. The token binds the tenant and the call and expires, so a
/// leaked URL cannot be replayed for another call or later.
/// </summary>
public sealed class StreamTokens
{
    private const int MacBytes = 16;
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public StreamTokens(byte[] key, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, 32);
        _key = key;
        _time = time;
    }

    public string Issue(Guid domainUuid, string callUuid, TimeSpan lifetime)
    {
        long expires = _time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        Span<byte> token = stackalloc byte[8 + MacBytes];
        BinaryPrimitives.WriteInt64BigEndian(token, expires);
        Sign(domainUuid, callUuid, expires, token[8..]);
        return Base64UrlEncode(token);
    }

    public StreamTokenCheck Check(Guid domainUuid, string callUuid, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return StreamTokenCheck.Missing;
        }

        Span<byte> raw = stackalloc byte[8 + MacBytes];
        if (!TryBase64UrlDecode(token, raw))
        {
            return StreamTokenCheck.Invalid;
        }

        long expires = BinaryPrimitives.ReadInt64BigEndian(raw);
        Span<byte> expected = stackalloc byte[MacBytes];
        Sign(domainUuid, callUuid, expires, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw[8..]))
        {
            return StreamTokenCheck.Invalid;
        }

        return _time.GetUtcNow().ToUnixTimeSeconds() > expires ? StreamTokenCheck.Expired : StreamTokenCheck.Valid;
    }

    private void Sign(Guid domainUuid, string callUuid, long expires, Span<byte> mac)
    {
        string message = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{domainUuid:D}\n{callUuid}\n{expires}");
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(message), full);
        full[..MacBytes].CopyTo(mac);
    }

    private static string Base64UrlEncode(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64UrlDecode(string text, Span<byte> destination)
    {
        if (text.Length > 64)
        {
            return false;
        }

        string padded = text.Replace('-', '+').Replace('_', '/');
        padded = (padded.Length % 4) switch
        {
            2 => padded + "==",
            3 => padded + "=",
            _ => padded,
        };
        return Convert.TryFromBase64String(padded, destination, out int written) && written == destination.Length;
    }
}

public enum StreamTokenCheck
{
    Valid,
    Missing,
    Invalid,
    Expired,
}
