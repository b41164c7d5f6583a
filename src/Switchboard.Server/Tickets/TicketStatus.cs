namespace Switchboard.Server.Tickets;

public enum TicketStatus
{
    Open,
    InProgress,
    Resolved,
    Closed,
}
