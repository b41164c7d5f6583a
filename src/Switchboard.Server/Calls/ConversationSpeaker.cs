namespace Switchboard.Server.Calls;

public enum ConversationSpeaker
{
    Caller,
    Agent,
    System,
    Tool,
}
