import type { AbortSignalLike } from '@azure/abort-controller';
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import { AzureError, azureCodeForStatus } from './errors';
import { parseRetryAfterMs } from './retry-after';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** First backoff step; doubles per attempt (with jitter). */
  baseDelayMs?: number;
  /** Longest single wait. A Retry-After above this is not waited out: the error surfaces with `retryAfterMs`. */
  maxDelayMs?: number;
}

/**
 * `idempotent`: reads and polls. Retried on 408/429/5xx, network errors and timeouts.
 * `throttleOnly`: triggers (restore, crossRegionRestore, vault PATCH). Only a 429 proves ARM did not process the
 * request; after a 5xx, a timeout or a dropped connection the request may have been executed, and repeating it
 * could start a second restore. Those outcomes surface to the caller, which reconciles with the vault's job list.
 */
export type RetryMode = 'idempotent' | 'throttleOnly';

export interface ArmRetryPolicyOptions extends RetryOptions {
  mode: RetryMode;
  /** Per-attempt timeout; 0 disables. */
  timeoutMs: number;
  /** Injectable for tests; returns [0, 1). */
  random?: () => number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };
export const DEFAULT_TIMEOUT_MS = 30_000;

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function armRetryPolicy(options: ArmRetryPolicyOptions): PipelinePolicy {
  const { maxRetries, baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...stripUndefined(options) };
  const random = options.random ?? Math.random;
  const backoff = (attempt: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  return {
    name: `restoreBotArmRetry-${options.mode}`,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const callerSignal = request.abortSignal;
      for (let attempt = 0; ; attempt++) {
        throwIfCancelled(callerSignal);
        const outcome = await attemptOnce(request, next, callerSignal, options.timeoutMs);
        const canRetry = attempt < maxRetries;

        if ('response' in outcome) {
          const { response } = outcome;
          if (!RETRYABLE_STATUSES.has(response.status)) return response;
          const retryable = options.mode === 'idempotent' || response.status === 429;
          const retryAfterMs = parseRetryAfterMs(response.headers.toJSON());
          if (!retryable || !canRetry) return response;
          if (retryAfterMs !== undefined && retryAfterMs > maxDelayMs) return response;
          await sleep(retryAfterMs ?? backoff(attempt), callerSignal);
          continue;
        }

        const { error } = outcome;
        if (error instanceof AzureError && error.code !== 'AZURE_TIMEOUT' && error.code !== 'AZURE_NETWORK')
          throw error;
        const safeToRepeat = options.mode === 'idempotent' || neverLeftThisMachine(error);
        if (!safeToRepeat || !canRetry) throw error;
        await sleep(backoff(attempt), callerSignal);
      }
    },
  };
}

type Outcome = { response: PipelineResponse } | { error: unknown };

async function attemptOnce(
  request: PipelineRequest,
  next: SendRequest,
  callerSignal: AbortSignalLike | undefined,
  timeoutMs: number,
): Promise<Outcome> {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = () => controller.abort();
  callerSignal?.addEventListener('abort', onCallerAbort);
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
  request.abortSignal = controller.signal;
  try {
    const response = await next(request);
    // The body is read before `next` resolves, so the response is complete and the timer may go.
    return { response };
  } catch (error) {
    if (callerSignal?.aborted) return { error: cancelled(request) };
    if (timedOut) {
      return {
        error: new AzureError(
          'AZURE_TIMEOUT',
          `Azure did not answer ${request.method} ${describeUrl(request.url)} within ${timeoutMs} ms`,
          {
            cause: error,
          },
        ),
      };
    }
    if (error instanceof AzureError) return { error };
    return { error: networkError(request, error) };
  } finally {
    if (timer) clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
    request.abortSignal = callerSignal;
  }
}

/** Connection refused or name not resolved: no byte reached Azure, so even a trigger may be repeated. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
function neverLeftThisMachine(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && NOT_SENT_CODES.has(cause.code);
}

function networkError(request: PipelineRequest, error: unknown): AzureError {
  const reason = error instanceof Error ? error.message : String(error);
  const status = (error as { statusCode?: unknown }).statusCode;
  // A RestError that carries a status is an HTTP answer the client could not parse, not a network failure.
  if (typeof status === 'number') {
    return new AzureError(
      status >= 400 ? azureCodeForStatus(status) : 'AZURE_UNEXPECTED_RESPONSE',
      `Unreadable answer from Azure: ${reason}`,
      {
        status,
        cause: error,
      },
    );
  }
  return new AzureError(
    'AZURE_NETWORK',
    `Could not reach Azure for ${request.method} ${describeUrl(request.url)}: ${reason}`,
    { cause: error },
  );
}

function cancelled(request: PipelineRequest): AzureError {
  return new AzureError('AZURE_CANCELLED', `${request.method} ${describeUrl(request.url)} was cancelled`);
}

function throwIfCancelled(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new AzureError('AZURE_CANCELLED', 'The Azure call was cancelled');
}

/** Waits, unless the caller cancels first. */
export function sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AzureError('AZURE_CANCELLED', 'The Azure call was cancelled'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AzureError('AZURE_CANCELLED', 'The Azure call was cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Path without query: enough to identify the call, nothing sensitive. */
export function describeUrl(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '<invalid url>';
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
