/**
 * The one error type of restore-bot: a stable machine-readable `code` and a message a person can act on.
 * Channels render it; they never parse messages. Everything that can fail in a way a user or operator should
 * hear about throws (or returns) a `BotError`.
 */
export class BotError extends Error {
  override readonly name = 'BotError';

  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isBotError(value: unknown, code?: string): value is BotError {
  return value instanceof BotError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into a BotError, keeping the original as `cause`. */
export function asBotError(value: unknown, code = 'INTERNAL'): BotError {
  if (value instanceof BotError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new BotError(code, message, {}, { cause: value });
}
