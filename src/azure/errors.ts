import { BotError } from '../errors';

/**
 * Stable BotError codes for everything that can go wrong talking to Azure Resource Manager.
 * Channels and the restore core branch on these; the ARM error code (`armCode`) says what Azure said.
 */
export type AzureErrorCode =
  | 'AZURE_BAD_REQUEST'
  | 'AZURE_AUTH'
  | 'AZURE_FORBIDDEN'
  | 'AZURE_NOT_FOUND'
  | 'AZURE_CONFLICT'
  | 'AZURE_THROTTLED'
  | 'AZURE_UNAVAILABLE'
  | 'AZURE_TIMEOUT'
  | 'AZURE_CANCELLED'
  | 'AZURE_NETWORK'
  | 'AZURE_OPERATION_FAILED'
  | 'AZURE_UNEXPECTED_RESPONSE';

/** HTTP status → BotError code. Statuses not listed fall back by class (4xx bad request, 5xx unavailable). */
export const AZURE_STATUS_CODES: Readonly<Record<number, AzureErrorCode>> = {
  400: 'AZURE_BAD_REQUEST',
  401: 'AZURE_AUTH',
  403: 'AZURE_FORBIDDEN',
  404: 'AZURE_NOT_FOUND',
  409: 'AZURE_CONFLICT',
  412: 'AZURE_CONFLICT',
  429: 'AZURE_THROTTLED',
  500: 'AZURE_UNAVAILABLE',
  502: 'AZURE_UNAVAILABLE',
  503: 'AZURE_UNAVAILABLE',
  504: 'AZURE_UNAVAILABLE',
};

/** Codes worth another try later (by the caller, after the client's own retries are spent). */
export const RETRYABLE_AZURE_CODES: ReadonlySet<AzureErrorCode> = new Set([
  'AZURE_THROTTLED',
  'AZURE_UNAVAILABLE',
  'AZURE_TIMEOUT',
  'AZURE_NETWORK',
]);

export function azureCodeForStatus(status: number): AzureErrorCode {
  return AZURE_STATUS_CODES[status] ?? (status >= 500 ? 'AZURE_UNAVAILABLE' : 'AZURE_BAD_REQUEST');
}

export interface AzureErrorInit {
  /** The ARM error code from the body (`ResourceNotFound`, `SubscriptionRequestsThrottled`, …), when Azure sent one. */
  armCode?: string;
  status?: number;
  requestId?: string;
  correlationId?: string;
  retryAfterMs?: number;
  /** ARM operation name (e.g. `BackupInstances_TriggerRestore`) for logs and metrics. */
  operation?: string;
  target?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type of src/azure. `code` is the stable BotError code; `armCode` is Azure's own code.
 * Messages never carry credentials: they are scrubbed on construction.
 */
export class AzureError extends BotError {
  readonly armCode: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly correlationId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly operation: string | undefined;

  constructor(code: AzureErrorCode, message: string, init: AzureErrorInit = {}) {
    const clean = scrubSecrets(message);
    super(
      code,
      clean,
      {
        ...init.details,
        ...(init.armCode !== undefined && { armCode: init.armCode }),
        ...(init.status !== undefined && { status: init.status }),
        ...(init.requestId !== undefined && { requestId: init.requestId }),
        ...(init.correlationId !== undefined && { correlationId: init.correlationId }),
        ...(init.retryAfterMs !== undefined && { retryAfterMs: init.retryAfterMs }),
        ...(init.operation !== undefined && { operation: init.operation }),
        ...(init.target !== undefined && { target: init.target }),
      },
      init.cause === undefined ? undefined : { cause: summariseCause(init.cause) },
    );
    this.armCode = init.armCode;
    this.status = init.status;
    this.requestId = init.requestId;
    this.correlationId = init.correlationId;
    this.retryAfterMs = init.retryAfterMs;
    this.operation = init.operation;
  }

  get azureCode(): AzureErrorCode {
    return this.code as AzureErrorCode;
  }

  get retryable(): boolean {
    return RETRYABLE_AZURE_CODES.has(this.azureCode);
  }
}

export function isAzureError(value: unknown, code?: AzureErrorCode): value is AzureError {
  return value instanceof AzureError && (code === undefined || value.code === code);
}

/** The useful part of an ARM error body: CloudError and common-types ErrorResponse share `{ error: {code, message, …} }`. */
export interface ParsedArmError {
  code?: string;
  message?: string;
  target?: string;
  details?: unknown[];
}

/**
 * Reads an ARM error body. Accepts `{error:{code,message}}`, a bare `{code,message}` (some gateways),
 * PascalCase keys, and plain text (proxies and load balancers answer with HTML or text).
 */
export function parseArmErrorBody(body: unknown): ParsedArmError {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed.startsWith('{')) {
      try {
        return parseArmErrorBody(JSON.parse(trimmed));
      } catch {
        // not JSON after all: fall through to text
      }
    }
    return { message: trimmed.slice(0, 500) };
  }
  if (typeof body !== 'object') return {};
  const outer = body as Record<string, unknown>;
  const inner = (isRecord(outer.error) ? outer.error : isRecord(outer.Error) ? outer.Error : outer) as Record<
    string,
    unknown
  >;
  const pick = (...keys: string[]) => {
    for (const key of keys) if (typeof inner[key] === 'string' && inner[key] !== '') return inner[key] as string;
    return undefined;
  };
  const details = Array.isArray(inner.details) ? inner.details : undefined;
  return {
    code: pick('code', 'Code'),
    message: pick('message', 'Message'),
    target: pick('target', 'Target'),
    ...(details && { details }),
  };
}

const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Removes anything that looks like a bearer token or a JWT: error text may echo request headers. */
export function scrubSecrets(text: string): string {
  return text.replace(BEARER, 'Bearer [redacted]').replace(JWT, '[redacted-jwt]');
}

/**
 * Keeps only name/message/code of an underlying error. Raw RestErrors hold the request, whose headers carry
 * the Authorization token; attaching them as `cause` would let a careless `JSON.stringify(err)` leak it.
 */
function summariseCause(cause: unknown): unknown {
  if (cause instanceof AzureError) return cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const summary = new Error(scrubSecrets(cause.message));
    summary.name = cause.name;
    if (typeof code === 'string') (summary as Error & { code?: string }).code = code;
    return summary;
  }
  return typeof cause === 'string' ? scrubSecrets(cause) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
