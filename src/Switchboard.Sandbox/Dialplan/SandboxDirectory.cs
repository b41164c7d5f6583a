namespace Switchboard.Sandbox.Dialplan;

/// <summary>The domains (FusionPBX tenants) the sandbox knows, with their simulated extensions and secretary numbers.</summary>
internal sealed class SandboxDirectory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DomainEntry> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly SandboxOptions _options;

    public SandboxDirectory(SandboxOptions options)
    {
        _options = options;
    }

    public void AddDomain(Guid domainUuid, string domainName)
    {
        lock (_gate)
        {
            if (_domains.TryGetValue(domainName, out var existing))
            {
                existing.Uuid = domainUuid;
                return;
            }

            _domains[domainName] = new DomainEntry(domainUuid, domainName);
        }
    }

    public void ConfigureExtension(string domainName, string number, SimulatedExtension extension)
    {
        lock (_gate)
        {
            Require(domainName).Extensions[number] = extension;
        }
    }

    public void SetSecretaryExtensions(string domainName, IEnumerable<string> numbers)
    {
        lock (_gate)
        {
            Require(domainName).Secretaries = new HashSet<string>(numbers, StringComparer.Ordinal);
        }
    }

    public bool TryGetDomain(string domainName, out Guid domainUuid)
    {
        lock (_gate)
        {
            if (_domains.TryGetValue(domainName, out var domain))
            {
                domainUuid = domain.Uuid;
                return true;
            }

            domainUuid = Guid.Empty;
            return false;
        }
    }

    public SimulatedExtension? FindExtension(string domainName, string number)
    {
        lock (_gate)
        {
            return _domains.TryGetValue(domainName, out var domain) && domain.Extensions.TryGetValue(number, out var extension)
                ? extension
                : null;
        }
    }

    public bool IsSecretary(string domainName, string number)
    {
        lock (_gate)
        {
            if (!_domains.TryGetValue(domainName, out var domain))
            {
                return false;
            }

            if (domain.Secretaries is { } set)
            {
                return set.Contains(number);
            }

            return int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                && number.Length == n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length
                && n >= _options.SecretaryRangeStart && n <= _options.SecretaryRangeEnd
                && !domain.Extensions.ContainsKey(number);
        }
    }

    private DomainEntry Require(string domainName) =>
        _domains.TryGetValue(domainName, out var domain)
            ? domain
            : throw new InvalidOperationException($"Unknown domain '{domainName}': call AddDomain first.");

    private sealed class DomainEntry(Guid uuid, string name)
    {
        public Guid Uuid { get; set; } = uuid;

        public string Name { get; } = name;

        public Dictionary<string, SimulatedExtension> Extensions { get; } = new(StringComparer.Ordinal);

        public HashSet<string>? Secretaries { get; set; }
    }
}
