namespace Switchboard.Server.Data;

/// <summary>One Data Protection key (XML), shared by every node on the database. Not tenant-owned.</summary>
public sealed class DataProtectionKey
{
    public long Id { get; set; }

    public string FriendlyName { get; set; } = "";

    public string Xml { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
