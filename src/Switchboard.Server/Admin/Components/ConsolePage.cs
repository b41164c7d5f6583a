using Microsoft.AspNetCore.Components;

namespace Switchboard.Server.Admin.Components;

/// <summary>
/// Base of the console's pages (rendered on the server per request): binds the <see cref="ConsoleSession"/> (user and
/// tenant) and loads the page's data. Regions marked <c>data-live</c> are refreshed in place by <c>console.js</c>, so
/// new calls, transcript lines and tickets appear without a reload.
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [Inject]
    protected ConsoleSession Session { get; set; } = default!;

    [Inject]
    protected ConsoleText T { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    protected HttpContext HttpContext { get; set; } = default!;

    /// <summary>True once the data of the page is loaded.</summary>
    protected bool Loaded { get; private set; }

    /// <summary>Cancelled when the request is aborted.</summary>
    protected CancellationToken PageClosing => HttpContext.RequestAborted;

    /// <summary>True when this request posts a form back.</summary>
    protected bool IsPost => HttpMethods.IsPost(HttpContext.Request.Method);

    protected override async Task OnInitializedAsync()
    {
        await Session.EnsureAsync(HttpContext.User, HttpContext.Request.Cookies[ConsoleAccountEndpoints.TenantCookie]);
        if (Session.TenantId is not null)
        {
            await LoadAsync();
        }

        Loaded = true;
    }

    /// <summary>Loads the page's data.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Runs <paramref name="work"/> for the session's tenant in a fresh scope.</summary>
    protected Task<TResult> DataAsync<TResult>(Func<IServiceProvider, Data.SwitchboardDbContext, Task<TResult>> work) => Session.RunAsync(work);

    protected static string Format(string format, params object?[] args) => string.Format(System.Globalization.CultureInfo.CurrentCulture, format, args);
}
