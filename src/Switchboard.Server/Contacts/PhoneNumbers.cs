namespace Switchboard.Server.Contacts;

/// <summary>
/// Phone numbers as contacts and appointments store them: E.164 for Brazilian numbers, which is how callers of a
/// Brazilian PBX arrive in every shape (<c>11988887777</c>, <c>011988887777</c>, <c>0 15 11 98888-7777</c> with a
/// carrier code, <c>5511...</c>, <c>+55 (11) 9 8888-7777</c>); any other number is kept as given, without formatting.
/// </summary>
public static class PhoneNumbers
{
    public const string BrazilCountryCode = "55";

    /// <summary>
    /// <c>+55</c> plus area code and number for a Brazilian number (10 digits for a landline, 11 for a mobile, with or
    /// without the trunk 0, a carrier code, 55 or +55); otherwise the digits as given (with their <c>+</c>). Null when
    /// there are no digits (anonymous caller, empty argument).
    /// </summary>
    public static string? ToE164(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        string trimmed = raw.Trim();
        bool plus = trimmed.StartsWith('+');
        string digits = string.Concat(trimmed.Where(char.IsAsciiDigit));
        if (digits.Length == 0)
        {
            return null;
        }

        if (plus)
        {
            return "+" + digits;
        }

        if (IsBrazilianNational(digits))
        {
            return "+" + BrazilCountryCode + digits;
        }

        if (digits.StartsWith(BrazilCountryCode, StringComparison.Ordinal) && IsBrazilianNational(digits[2..]))
        {
            return "+" + digits;
        }

        // Trunk prefix 0, optionally followed by a two-digit carrier code (0 15 11 ...); 00 is an international call.
        if (digits.StartsWith('0') && !digits.StartsWith("00", StringComparison.Ordinal))
        {
            string national = digits[1..];
            if (IsBrazilianNational(national))
            {
                return "+" + BrazilCountryCode + national;
            }

            if (national.Length is 12 or 13 && IsBrazilianNational(national[2..]))
            {
                return "+" + BrazilCountryCode + national[2..];
            }
        }

        return digits;
    }

    /// <summary>Area code 11-99 (no zero digit) and a subscriber number: 9 + 8 digits (mobile) or 2-8 + 7 digits (landline).</summary>
    private static bool IsBrazilianNational(string digits) =>
        digits.Length is 10 or 11
        && digits[0] is >= '1' and <= '9'
        && digits[1] is >= '1' and <= '9'
        && (digits.Length == 11 ? digits[2] == '9' : digits[2] is >= '2' and <= '8');
}
