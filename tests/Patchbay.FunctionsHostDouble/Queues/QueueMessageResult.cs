namespace Patchbay.Testing.Functions;

/// <summary>What the double did with one queue message it received for a queue-triggered function.</summary>
/// <param name="FunctionName">The queue-triggered function.</param>
/// <param name="QueueName">The queue the message came from.</param>
/// <param name="MessageId">The message's id.</param>
/// <param name="DequeueCount">How many times the message had been received, this time included.</param>
/// <param name="Text">The message text as the function got it (base64 decoded unless host.json says <c>messageEncoding: none</c>); null when it did not decode.</param>
/// <param name="Outcome">What happened to the message.</param>
/// <param name="InvocationId">The invocation that ran it, or null when it went to the poison queue without one.</param>
/// <param name="Error">Why the invocation failed or the message was moved, when it was.</param>
public sealed record QueueMessageResult(string FunctionName, string QueueName, string MessageId, long DequeueCount, string? Text, QueueMessageOutcome Outcome, string? InvocationId, string? Error)
{
    /// <inheritdoc />
    public override string ToString() => $"{FunctionName} {QueueName}/{MessageId} (dequeue {DequeueCount}) {Outcome}{(Error is null ? string.Empty : ": " + Error)}";
}

/// <summary>What the double did with a queue message, as the queue extension does.</summary>
public enum QueueMessageOutcome
{
    /// <summary>The function succeeded; the message was deleted.</summary>
    Deleted,

    /// <summary>The function failed and the message had attempts left: it becomes visible again after host.json's <c>visibilityTimeout</c>.</summary>
    Retried,

    /// <summary>
    /// The message went to <c>{queue}-poison</c> and was deleted from its queue: its last attempt (<c>maxDequeueCount</c>)
    /// failed, it had been received more than <c>maxDequeueCount</c> times already, or its text was not valid base64.
    /// </summary>
    MovedToPoison,

    /// <summary>The worker was gone (or the double stopping) before the message was settled; it becomes visible again when its lease lapses.</summary>
    Abandoned,
}
