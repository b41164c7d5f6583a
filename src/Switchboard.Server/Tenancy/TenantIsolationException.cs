namespace Switchboard.Server.Tenancy;

/// <summary>Thrown when a save would write a tenant-owned row outside the scope's tenant.</summary>
public sealed class TenantIsolationException : InvalidOperationException
{
    public TenantIsolationException()
    {
    }

    public TenantIsolationException(string message)
        : base(message)
    {
    }

    public TenantIsolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
