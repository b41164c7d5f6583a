using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Contacts;
using Switchboard.Server.Data;

namespace Switchboard.Server.Tools;

/// <summary><c>lookup_customer</c>: who is calling, from the tenant's contacts, by phone number.</summary>
internal sealed class LookupCustomerTool : ICallTool
{
    private const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "phone": { "type": ["string", "null"], "description": "A phone number the caller gave; null to use the number they are calling from." }
          },
          "required": ["phone"],
          "additionalProperties": false
        }
        """;

    private readonly SwitchboardDbContext _db;

    public LookupCustomerTool(SwitchboardDbContext db)
    {
        _db = db;
    }

    public string Name => ToolNames.LookupCustomer;

    public ToolDefinition Describe(string language) => new(
        Name,
        "Find the caller among the company's customers by phone number (the number they call from, or one they give). "
        + "Returns name, company, email and notes when found; use them to greet and help the caller personally.",
        Schema);

    public async Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
    {
        string? phone = PhoneNumbers.ToE164(ToolArguments.GetText(arguments, "phone") ?? context.CallerNumber);
        if (phone is null)
        {
            return new ToolOutcome(ToolResults.Error("the caller's number is hidden; ask for their phone number and call lookup_customer with it"), ToolAction.None);
        }

        Contact? contact = await _db.Contacts.AsNoTracking()
            .Where(candidate => candidate.Phone == phone)
            .OrderBy(candidate => candidate.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        return new ToolOutcome(
            ToolResults.Write(json =>
            {
                json.WriteBoolean("ok", true);
                json.WriteBoolean("found", contact is not null);
                json.WriteString("phone", phone);
                if (contact is not null)
                {
                    json.WriteStartObject("contact");
                    json.WriteString("name", contact.Name);
                    json.WriteString("phone", contact.Phone);
                    json.WriteNullable("company", contact.Company);
                    json.WriteNullable("email", contact.Email);
                    json.WriteNullable("notes", contact.Notes);
                    json.WriteEndObject();
                }
            }),
            ToolAction.None);
    }
}
