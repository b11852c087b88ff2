/** A mistake in how the command was called: exit code 2 and the message, no stack. */
export class UsageError extends Error {}
