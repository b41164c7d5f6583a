using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;
using Switchboard.Server.Security;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Recordings;

/// <summary><c>GET /recordings/{tenantId}/{callUuid}?token=...</c>: the recording behind a link we handed out.</summary>
internal static class RecordingsEndpoints
{
    public static async Task<IResult> GetRecordingAsync(
        Guid tenantId,
        string callUuid,
        string? token,
        HttpContext http,
        RecordingLinks links,
        IRecordingStore store,
        TenantContext tenant,
        SwitchboardDbContext db,
        CancellationToken cancellationToken)
    {
        bool operatorKey = http.User.IsInRole(Roles.Admin);
        if (!operatorKey && !links.IsValid(token, tenantId, callUuid))
        {
            // No credential at all is 401; a token that is forged, expired or for another call is 403.
            return string.IsNullOrEmpty(token) ? Results.Unauthorized() : Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        tenant.Set(tenantId);
        RecordingUpload? upload = await db.RecordingUploads.AsNoTracking()
            .FirstOrDefaultAsync(row => row.CallUuid == callUuid && row.Status == RecordingUploadStatus.Uploaded, cancellationToken);
        if (upload is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "This call's recording is not stored (yet).");
        }

        string contentType = RecordingFiles.ContentTypeOf(upload.ObjectKey);
        RecordingDownload download = await store.GetDownloadAsync(upload.ObjectKey, contentType, cancellationToken);
        http.Response.Headers.CacheControl = "private, no-store";
        if (download.RedirectTo is { } url)
        {
            return Results.Redirect(url.ToString());
        }

        return download.FilePath is { } file && File.Exists(file)
            ? Results.File(file, download.ContentType, Path.GetFileName(file), enableRangeProcessing: true)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "The stored recording file is gone.");
    }
}
