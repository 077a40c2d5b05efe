import type { AbortSignalLike } from '@azure/abort-controller';
import type { TokenCredential } from '@azure/identity';
import { type Client, getClient } from '@azure-rest/core-client';
import { BotError } from '../errors';
import { type Logger, silentLogger } from '../log';
import { isLoopbackUrl } from '../net';
import { AzureError, azureCodeForStatus, parseArmErrorBody } from './errors';
import { createArmPipeline } from './pipeline';
import { parseRetryAfterMs } from './retry-after';
import { DEFAULT_TIMEOUT_MS, describeUrl, type RetryMode, type RetryOptions } from './retry-policy';

export type ArmMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Called once per logical ARM call (retries included), with status 0 when no HTTP answer came back. */
export type OnArmCall = (operation: string, status: number, ms: number) => void;

export interface ArmTransportOptions {
  endpoint: string;
  credential: TokenCredential;
  retry?: RetryOptions;
  /** Per HTTP attempt. */
  timeoutMs?: number;
  logger?: Logger;
  onCall?: OnArmCall;
  userAgentPrefix?: string;
}

export interface ArmRequest {
  /** ARM operationId, for logs, metrics and error messages. */
  operation: string;
  method: ArmMethod;
  /** A path below the endpoint (`/subscriptions/…`) or an absolute URL handed out by ARM (nextLink, LRO). */
  url: string;
  /** Added only when the URL carries no `api-version` (ARM rejects requests without one). */
  apiVersion?: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  retry?: RetryMode;
  abortSignal?: AbortSignalLike;
}

export interface ArmResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
  method: ArmMethod;
  url: string;
}

/**
 * Sends ARM requests through two pipelines built on `@azure-rest/core-client`: one that retries reads and
 * polls, one for triggers that only retries throttling (see RetryMode). Non-2xx answers become AzureErrors.
 */
export class ArmTransport {
  readonly endpoint: string;
  readonly #clients: Record<RetryMode, Client>;
  readonly #origin: string;
  readonly #insecureAllowed: boolean;
  readonly #logger: Logger;
  readonly #onCall: OnArmCall | undefined;

  constructor(options: ArmTransportOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.endpoint);
    } catch {
      throw new BotError('AZURE_INVALID_ENDPOINT', `Not a valid Azure Resource Manager URL: ${options.endpoint}`);
    }
    this.#insecureAllowed = isLoopbackUrl(options.endpoint);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && this.#insecureAllowed)) {
      throw new BotError(
        'AZURE_INVALID_ENDPOINT',
        'The Azure Resource Manager endpoint must use https (plain http only for loopback)',
        {
          endpointHost: parsed.host,
        },
      );
    }
    this.endpoint = parsed.origin + parsed.pathname.replace(/\/+$/, '');
    this.#origin = parsed.origin;
    this.#logger = options.logger ?? silentLogger;
    this.#onCall = options.onCall;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const make = (mode: RetryMode) =>
      getClient(this.endpoint, {
        pipeline: createArmPipeline({
          credential: options.credential,
          mode,
          retry: options.retry,
          timeoutMs,
          userAgentPrefix: options.userAgentPrefix,
        }),
      });
    this.#clients = { idempotent: make('idempotent'), throttleOnly: make('throttleOnly') };
  }

  /** Absolute URL for a path or an ARM-provided link, with the query and api-version applied. */
  resolveUrl(request: Pick<ArmRequest, 'url' | 'query' | 'apiVersion'>): string {
    const absolute = /^https?:\/\//i.test(request.url)
      ? request.url
      : `${this.endpoint}${request.url.startsWith('/') ? '' : '/'}${request.url}`;
    this.#assertSameService(absolute);
    const pairs: string[] = [];
    for (const [key, value] of Object.entries(request.query ?? {})) {
      // `$filter`/`$skipToken` keep their literal `$`: ARM documents them that way.
      if (value !== undefined) pairs.push(`${key}=${encodeURIComponent(value)}`);
    }
    if (request.apiVersion && !/[?&]api-version=/i.test(absolute))
      pairs.unshift(`api-version=${encodeURIComponent(request.apiVersion)}`);
    if (!pairs.length) return absolute;
    return `${absolute}${absolute.includes('?') ? '&' : '?'}${pairs.join('&')}`;
  }

  async send(request: ArmRequest): Promise<ArmResponse> {
    const url = this.resolveUrl(request);
    const started = Date.now();
    let status = 0;
    try {
      const method = request.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      const result = await this.#clients[request.retry ?? 'idempotent'].pathUnchecked(url)[method]({
        abortSignal: request.abortSignal,
        allowInsecureConnection: this.#insecureAllowed && isLoopbackUrl(url),
        headers: request.headers,
        ...(request.body !== undefined && { body: request.body, contentType: 'application/json' }),
      });
      status = Number(result.status);
      const headers = result.headers as Record<string, string>;
      if (status >= 400) throw errorFromResponse(request.operation, status, headers, result.body);
      return { status, headers, body: result.body, method: request.method, url };
    } catch (error) {
      throw this.#asAzureError(request, error, (s) => {
        status = s;
      });
    } finally {
      const ms = Date.now() - started;
      this.#logger.debug('azure call', {
        operation: request.operation,
        method: request.method,
        path: describeUrl(url),
        status,
        ms,
      });
      this.#onCall?.(request.operation, status, ms);
    }
  }

  #asAzureError(request: ArmRequest, error: unknown, setStatus: (status: number) => void): AzureError {
    if (error instanceof AzureError) {
      if (error.operation !== undefined) return error;
      if (error.status !== undefined) setStatus(error.status);
      return new AzureError(error.azureCode, `${request.operation}: ${error.message}`, {
        armCode: error.armCode,
        status: error.status,
        requestId: error.requestId,
        correlationId: error.correlationId,
        retryAfterMs: error.retryAfterMs,
        operation: request.operation,
        cause: error,
      });
    }
    // A JSON content type with an unparseable body: core-client throws before we see the status.
    const restError = error as {
      statusCode?: unknown;
      response?: { bodyAsText?: string | null; headers?: { toJSON(): Record<string, string> } };
    };
    if (typeof restError.statusCode === 'number' && restError.response) {
      setStatus(restError.statusCode);
      const headers = restError.response.headers?.toJSON() ?? {};
      if (restError.statusCode >= 400)
        return errorFromResponse(request.operation, restError.statusCode, headers, restError.response.bodyAsText ?? '');
      return new AzureError(
        'AZURE_UNEXPECTED_RESPONSE',
        `${request.operation}: Azure answered ${restError.statusCode} with a body that is not valid JSON`,
        {
          status: restError.statusCode,
          operation: request.operation,
          ...requestIds(headers),
        },
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new AzureError('AZURE_NETWORK', `${request.operation}: ${reason}`, {
      operation: request.operation,
      cause: error,
    });
  }

  #assertSameService(url: string): void {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new AzureError('AZURE_UNEXPECTED_RESPONSE', 'Azure handed out an invalid URL to follow');
    }
    // Links from responses (nextLink, Azure-AsyncOperation, Location) get our bearer token: only follow them to
    // the endpoint we were configured with (any loopback address counts as the same local emulator).
    const sameOrigin = target.origin === this.#origin || (this.#insecureAllowed && isLoopbackUrl(url));
    if (!sameOrigin) {
      throw new AzureError(
        'AZURE_UNEXPECTED_RESPONSE',
        `Refusing to follow a link to another host (${target.host}) with Azure credentials`,
      );
    }
  }
}

export function errorFromResponse(
  operation: string,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): AzureError {
  const parsed = parseArmErrorBody(body);
  const armCode = parsed.code;
  const message = parsed.message ?? `HTTP ${status}`;
  return new AzureError(azureCodeForStatus(status), `${operation} failed: ${armCode ? `${armCode}: ` : ''}${message}`, {
    armCode,
    status,
    operation,
    target: parsed.target,
    retryAfterMs: parseRetryAfterMs(headers),
    ...requestIds(headers),
  });
}

function requestIds(headers: Record<string, string>): { requestId?: string; correlationId?: string } {
  const requestId = headers['x-ms-request-id'] ?? headers['x-ms-correlation-request-id'];
  const correlationId = headers['x-ms-correlation-request-id'];
  return { ...(requestId && { requestId }), ...(correlationId && { correlationId }) };
}
