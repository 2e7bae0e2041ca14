namespace Integration.Functions.Infrastructure.Topics;

/// <summary>
/// The lock behind a lock token is gone: it expired, or the message was already settled.
/// The message will be (or already was) delivered again, so the caller must not assume its work is acknowledged.
/// </summary>
public sealed class MessageLockLostException : Exception
{
    public MessageLockLostException(Guid lockToken)
        : base($"The lock {lockToken} was lost: it expired, or the message was already completed, abandoned or dead-lettered.")
    {
        LockToken = lockToken;
    }

    public Guid LockToken { get; }
}

/// <summary>A topic or subscription that the topology never declared.</summary>
public sealed class MessagingEntityNotFoundException : Exception
{
    public MessagingEntityNotFoundException(string entityPath)
        : base($"The messaging entity '{entityPath}' is not declared in the topic topology.")
    {
        EntityPath = entityPath;
    }

    public string EntityPath { get; }
}
