using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Recordings;

internal sealed class RecordingUploadConfiguration : IEntityTypeConfiguration<RecordingUpload>
{
    public void Configure(EntityTypeBuilder<RecordingUpload> builder)
    {
        builder.ToTable("recording_uploads");
        builder.HasKey(upload => upload.Id);
        builder.Property(upload => upload.Id).ValueGeneratedNever();
        builder.Property(upload => upload.CallUuid).HasMaxLength(64);
        builder.Property(upload => upload.LocalPath).HasMaxLength(1024);
        builder.Property(upload => upload.ObjectKey).HasMaxLength(512);
        builder.Property(upload => upload.LastError).HasMaxLength(2000);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(upload => upload.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(upload => new { upload.TenantId, upload.CallUuid }).IsUnique();
        builder.HasIndex(upload => new { upload.Status, upload.NextAttemptAt });
    }
}
