namespace Switchboard.Sandbox;

/// <summary>
/// Channel variables in insertion order; setting a variable again moves it to the end, as the unique-header event that
/// holds them in FreeSWITCH does.
/// </summary>
internal sealed class ChannelVariables
{
    private readonly List<KeyValuePair<string, string>> _items = new(64);

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    public string? Get(string name)
    {
        foreach (var item in _items)
        {
            if (string.Equals(item.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return item.Value;
            }
        }

        return null;
    }

    /// <summary>Sets a variable; a null value removes it.</summary>
    public void Set(string name, string? value)
    {
        _items.RemoveAll(i => string.Equals(i.Key, name, StringComparison.OrdinalIgnoreCase));
        if (value is not null)
        {
            _items.Add(new(name, value));
        }
    }

    public bool IsTrue(string name) => True(Get(name));

    /// <summary><c>switch_true</c>: yes, on, true, t, enabled, active, allow or a non-zero number.</summary>
    public static bool True(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        string[] words = ["yes", "on", "true", "t", "enabled", "active", "allow"];
        foreach (var word in words)
        {
            if (string.Equals(value, word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return value[0] is >= '0' and <= '9' && HangupCauses.Atoi(value) != 0;
    }
}
