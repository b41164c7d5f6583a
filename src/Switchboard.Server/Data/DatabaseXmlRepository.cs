using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Switchboard.Server.Data;

/// <summary>
/// Data Protection key ring in the database, so every node sharing PostgreSQL can decrypt provider secrets that
/// another node encrypted. <see cref="IXmlRepository"/> is synchronous; Data Protection reads the ring once and
/// caches it, and writes only when a key is created (every 90 days).
/// </summary>
internal sealed class DatabaseXmlRepository : IXmlRepository
{
    private readonly IServiceScopeFactory _scopes;

    public DatabaseXmlRepository(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using IServiceScope scope = _scopes.CreateScope();
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return db.Set<DataProtectionKey>().AsNoTracking().OrderBy(key => key.Id).Select(key => key.Xml).ToList()
            .Select(xml => XElement.Parse(xml))
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using IServiceScope scope = _scopes.CreateScope();
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.Set<DataProtectionKey>().Add(new DataProtectionKey
        {
            FriendlyName = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
        });
        db.SaveChanges();
    }
}
