using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Switchboard.Server.Security;

/// <summary>
/// A person who logs in to the admin console. Admins see every tenant (<see cref="TenantId"/> null or their
/// starting tenant); supervisors and attendants are bound to <see cref="TenantId"/>.
/// </summary>
public sealed class ConsoleUser
{
    public Guid Id { get; set; }

    /// <summary>Login name, lower case, unique.</summary>
    public string UserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary><see cref="Microsoft.AspNetCore.Identity.PasswordHasher{TUser}"/> hash (PBKDF2); never the password.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>One of <see cref="Roles"/>.</summary>
    public string Role { get; set; } = Roles.Attendant;

    /// <summary>The tenant a supervisor or attendant works for; null for an admin of every tenant.</summary>
    public Guid? TenantId { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ConsoleUserConfiguration : IEntityTypeConfiguration<ConsoleUser>
{
    public void Configure(EntityTypeBuilder<ConsoleUser> builder)
    {
        builder.ToTable("console_users");
        builder.HasKey(user => user.Id);
        builder.Property(user => user.Id).ValueGeneratedNever();
        builder.Property(user => user.UserName).HasMaxLength(100);
        builder.Property(user => user.DisplayName).HasMaxLength(200);
        builder.Property(user => user.Role).HasMaxLength(32);
        builder.HasIndex(user => user.UserName).IsUnique();
        builder.HasIndex(user => user.TenantId);
        builder.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(user => user.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
