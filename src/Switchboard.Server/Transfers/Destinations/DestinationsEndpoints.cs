using System.Text;
using Switchboard.Server.Security;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// <c>/api/tenants/{tenantId}/destinations</c>: list, read, create, replace and delete a tenant's transfer
/// destinations, and <c>destinations.csv</c> to export or import them all. Operator API key; an unknown tenant,
/// or a destination of another tenant, is 404.
/// </summary>
public static class DestinationsEndpoints
{
    /// <summary>Largest CSV accepted by an import.</summary>
    public const int MaxCsvBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapDestinations(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup("/api/tenants/{tenantId:guid}")
            .RequireAuthorization(SecurityServiceCollectionExtensions.AdminPolicy)
            .AddEndpointFilter(BindTenantAsync);
        group.MapGet("/destinations", ListAsync);
        group.MapGet("/destinations/{id:guid}", GetAsync);
        group.MapPost("/destinations", CreateAsync);
        group.MapPut("/destinations/{id:guid}", UpdateAsync);
        group.MapDelete("/destinations/{id:guid}", DeleteAsync);
        group.MapGet("/destinations.csv", ExportAsync);
        group.MapPost("/destinations.csv", ImportAsync);
        return app;
    }

    /// <summary>The body of a successful import.</summary>
    public sealed record ImportSummary(int Created, int Updated, int Deleted);

    private static async ValueTask<object?> BindTenantAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        if (!Guid.TryParse(http.Request.RouteValues["tenantId"] as string, out Guid tenantId)
            || await http.RequestServices.GetRequiredService<TenantDirectory>().FindByIdAsync(tenantId, http.RequestAborted) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown tenant", detail: $"No tenant {http.Request.RouteValues["tenantId"]}.");
        }

        http.RequestServices.GetRequiredService<TenantContext>().Set(tenantId);
        return await next(context);
    }

    private static async Task<IResult> ListAsync(Guid tenantId, DestinationCatalog catalog, CancellationToken cancellationToken) =>
        Results.Ok((await catalog.ListAsync(cancellationToken)).Select(DestinationView.From).ToArray());

    private static async Task<IResult> GetAsync(Guid tenantId, Guid id, DestinationCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.FindAsync(id, cancellationToken) is { } destination ? Results.Ok(DestinationView.From(destination)) : NotFound(id);

    private static async Task<IResult> CreateAsync(Guid tenantId, DestinationRequest request, DestinationCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.CreateAsync(request, cancellationToken) switch
        {
            DestinationChange.Saved saved => Results.Created($"/api/tenants/{tenantId}/destinations/{saved.Destination.Id}", DestinationView.From(saved.Destination)),
            var other => Failure(other, Guid.Empty),
        };

    private static async Task<IResult> UpdateAsync(Guid tenantId, Guid id, DestinationRequest request, DestinationCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.UpdateAsync(id, request, cancellationToken) switch
        {
            DestinationChange.Saved saved => Results.Ok(DestinationView.From(saved.Destination)),
            var other => Failure(other, id),
        };

    private static async Task<IResult> DeleteAsync(Guid tenantId, Guid id, DestinationCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.DeleteAsync(id, cancellationToken) ? Results.NoContent() : NotFound(id);

    private static async Task<IResult> ExportAsync(Guid tenantId, DestinationCatalog catalog, CancellationToken cancellationToken) =>
        Results.File(Encoding.UTF8.GetBytes(await catalog.ExportCsvAsync(cancellationToken)), DestinationCsv.ContentType, "destinations.csv");

    private static async Task<IResult> ImportAsync(Guid tenantId, HttpRequest request, DestinationCatalog catalog, string? mode, CancellationToken cancellationToken)
    {
        DestinationImportMode importMode = DestinationImportMode.Upsert;
        if (mode is not null && (!Enum.TryParse(mode, ignoreCase: true, out importMode) || !Enum.IsDefined(importMode) || char.IsAsciiDigit(mode[0])))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown import mode", detail: $"'{mode}' is not an import mode; use upsert (default) or replace.");
        }

        if (request.ContentLength > MaxCsvBytes)
        {
            return TooLarge();
        }

        string? text;
        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync(cancellationToken);
            if (form.Files.Count == 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No CSV file", detail: "Send the CSV as the request body (text/csv) or as a file in a multipart form.");
            }

            await using Stream file = form.Files[0].OpenReadStream();
            text = await ReadLimitedAsync(file, cancellationToken);
        }
        else
        {
            // The request body belongs to the server: read, not disposed.
            text = await ReadLimitedAsync(request.Body, cancellationToken);
        }

        if (text is null)
        {
            return TooLarge();
        }

        return await catalog.ImportCsvAsync(text, importMode, cancellationToken) switch
        {
            DestinationImport.Applied applied => Results.Ok(new ImportSummary(applied.Created, applied.Updated, applied.Deleted)),
            DestinationImport.Conflict conflict => Results.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "The destinations changed during the import; nothing was imported", detail: conflict.Detail),
            DestinationImport.Rejected { FileError: { } fileError } => Results.Problem(
                statusCode: StatusCodes.Status400BadRequest, title: "The CSV cannot be read; nothing was imported", detail: fileError),
            DestinationImport.Rejected rejected => Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The CSV has errors; nothing was imported",
                detail: string.Join(" ", rejected.Rows.Select(r => $"Line {r.Line}: {string.Join(" ", r.Errors.SelectMany(e => e.Value))}")),
                extensions: new Dictionary<string, object?> { ["rows"] = rejected.Rows }),
            _ => throw new InvalidOperationException("Unexpected import result."),
        };
    }

    /// <summary>The stream as UTF-8 text, or null when it holds more than <see cref="MaxCsvBytes"/>.</summary>
    private static async Task<string?> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffered = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (buffered.Length + read > MaxCsvBytes)
            {
                return null;
            }

            await buffered.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return Encoding.UTF8.GetString(buffered.GetBuffer(), 0, (int)buffered.Length);
    }

    private static IResult Failure(DestinationChange change, Guid id) => change switch
    {
        DestinationChange.Invalid invalid => Results.ValidationProblem(
            invalid.Errors.ToDictionary(e => DestinationWords.CamelCase(e.Key), e => e.Value, StringComparer.Ordinal),
            title: "The destination is invalid"),
        DestinationChange.DefaultConflict conflict => Results.Problem(
            statusCode: StatusCodes.Status409Conflict, title: "Another destination is already the default", detail: conflict.Detail),
        DestinationChange.NotFound => NotFound(id),
        _ => throw new InvalidOperationException("Unexpected destination change."),
    };

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such destination", detail: $"The tenant has no destination {id}.");

    private static IResult TooLarge() =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "CSV too large", detail: $"At most {MaxCsvBytes} bytes.");
}
