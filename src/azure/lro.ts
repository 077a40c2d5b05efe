import type { AbortSignalLike } from '@azure/abort-controller';
import {
  createHttpPoller,
  type OperationResponse,
  type OperationState,
  type PollerLike,
  type RunningOperation,
} from '@azure/core-lro';
import { z } from 'zod';
import { BotError } from '../errors';
import { normaliseJobId } from './arm-id';
import { AzureError, parseArmErrorBody } from './errors';
import type { BackupVaultResource, OperationJobExtendedInfo } from './models';
import { extractJobInfo, parseVault } from './parse';
import { parseRetryAfterMs } from './retry-after';
import { sleep } from './retry-policy';
import type { ArmRequest, ArmResponse, ArmTransport } from './transport';

export type JobLroKind = 'validateRestore' | 'restore' | 'validateCrossRegionRestore' | 'crossRegionRestore';
export type LroKind = JobLroKind | 'updateVault';
export type LroStatus = 'running' | 'succeeded' | 'failed' | 'canceled';

export interface LroTiming {
  /** Wait between polls when Azure sends no Retry-After. */
  pollIntervalMs: number;
  /** Upper bound on any wait between polls, including Retry-After. */
  maxPollIntervalMs: number;
}

export const DEFAULT_LRO_TIMING: LroTiming = { pollIntervalMs: 5_000, maxPollIntervalMs: 60_000 };

export interface LroContext {
  transport: ArmTransport;
  apiVersion: string;
  timing: LroTiming;
}

const ENVELOPE_FORMAT = 'restore-bot/arm-lro';

/** What `toString()` produces: our context plus @azure/core-lro's own serialised poller state. */
const envelopeSchema = z.object({
  format: z.literal(ENVELOPE_FORMAT),
  version: z.literal(1),
  kind: z.enum(['validateRestore', 'restore', 'validateCrossRegionRestore', 'crossRegionRestore', 'updateVault']),
  vaultId: z.string().min(1),
  poller: z.looseObject({ state: z.looseObject({ status: z.string(), config: z.looseObject({}) }) }),
});

type PollerState = OperationState<unknown> & {
  config?: { operationLocation?: string; resourceLocation?: string; initialRequestUrl?: string };
};

/**
 * A long-running ARM operation (restore, cross-region restore, their validations, vault PATCH), driven by
 * `@azure/core-lro`'s `createHttpPoller`. It follows `Azure-AsyncOperation`/`Location` exactly as Azure returns
 * them, waits `Retry-After` between polls, and can be saved with `toString()` and resumed in another process
 * with `DataProtectionClient.resumeOperation(state)`.
 */
export class ArmOperation<T> {
  readonly kind: LroKind;
  /** The vault that owns the operation (job ids are normalised against it). */
  readonly vaultId: string;
  readonly #ctx: LroContext;
  #poller!: PollerLike<OperationState<unknown>, unknown>;
  #lastStatusBody: unknown;
  #waitBeforeNextPollMs: number | undefined;
  #result: T | undefined;

  private constructor(ctx: LroContext, kind: LroKind, vaultId: string) {
    this.#ctx = ctx;
    this.kind = kind;
    this.vaultId = vaultId;
  }

  /** Sends the initial request; resolves once Azure has accepted it (so the state can be saved right away). */
  static async start<T>(
    ctx: LroContext,
    kind: LroKind,
    vaultId: string,
    initial: ArmRequest,
  ): Promise<ArmOperation<T>> {
    const op = new ArmOperation<T>(ctx, kind, vaultId);
    op.#poller = op.#createPoller(initial, undefined);
    await op.#poller.submitted();
    return op;
  }

  static resume<T>(ctx: LroContext, serialized: string): ArmOperation<T> {
    const envelope = readEnvelope(serialized);
    const op = new ArmOperation<T>(ctx, envelope.kind, envelope.vaultId);
    op.#poller = op.#createPoller(undefined, JSON.stringify(envelope.poller));
    return op;
  }

  get status(): LroStatus {
    const status = this.#poller.operationState?.status;
    return status === 'succeeded' || status === 'failed' || status === 'canceled' ? status : 'running';
  }

  get isDone(): boolean {
    return this.status !== 'running';
  }

  /** The URL being polled (Azure-AsyncOperation, else Location); undefined when the answer was immediate. */
  get operationLocation(): string | undefined {
    return (this.#poller.operationState as PollerState | undefined)?.config?.operationLocation;
  }

  /** Serialised state: persist it, then `resumeOperation(state)` continues polling in any process. */
  toString(): string {
    return JSON.stringify({
      format: ENVELOPE_FORMAT,
      version: 1,
      kind: this.kind,
      vaultId: this.vaultId,
      poller: { state: this.#poller.operationState },
    });
  }

  async serialize(): Promise<string> {
    await this.#poller.submitted();
    return this.toString();
  }

  /** One status request (no waiting). */
  async poll(options: { abortSignal?: AbortSignalLike } = {}): Promise<LroStatus> {
    if (this.isDone) return this.status;
    try {
      await this.#poller.poll({ abortSignal: options.abortSignal });
    } catch (error) {
      if (error instanceof BotError) throw error;
      throw new AzureError(
        'AZURE_UNEXPECTED_RESPONSE',
        `Could not read the status of the ${this.kind} operation: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return this.status;
  }

  /**
   * Polls until the operation ends, waiting what Azure asks (Retry-After, capped by maxPollIntervalMs) between
   * polls. Resolves with the result; a failed or cancelled operation rejects with AZURE_OPERATION_FAILED
   * carrying Azure's error code as `armCode`.
   */
  async pollUntilDone(
    options: { abortSignal?: AbortSignalLike; onProgress?: (status: LroStatus) => void } = {},
  ): Promise<T> {
    while (!this.isDone) {
      if (this.#waitBeforeNextPollMs !== undefined) await sleep(this.#waitBeforeNextPollMs, options.abortSignal);
      await this.poll(options);
      options.onProgress?.(this.status);
    }
    return this.#finish();
  }

  /** The delay `pollUntilDone` will wait before its next poll (for callers that schedule polls themselves). */
  get nextPollDelayMs(): number {
    return this.#waitBeforeNextPollMs ?? 0;
  }

  #createPoller(
    initial: ArmRequest | undefined,
    restoreFrom: string | undefined,
  ): PollerLike<OperationState<unknown>, unknown> {
    const lro: RunningOperation<unknown> = {
      sendInitialRequest: async () => {
        if (!initial) throw new BotError('INTERNAL', 'A resumed operation cannot send its initial request again');
        const response = await this.#ctx.transport.send(initial);
        this.#noteDelay(response);
        return toOperationResponse(response);
      },
      sendPollRequest: (url, options) => this.#sendPoll(url, options?.abortSignal),
    };
    return createHttpPoller<unknown, OperationState<unknown>>(lro, {
      resourceLocationConfig: 'location',
      // We raise our own typed error from the final body instead of core-lro's generic Error.
      resolveOnUnsuccessful: true,
      restoreFrom,
    });
  }

  async #sendPoll(url: string, abortSignal: AbortSignalLike | undefined): Promise<OperationResponse<unknown>> {
    const config = (this.#poller?.operationState as PollerState | undefined)?.config;
    const isFinalGet = url === config?.resourceLocation && url !== config?.operationLocation;
    const request: ArmRequest = {
      operation: isFinalGet ? `${this.kind}:result` : `${this.kind}:status`,
      method: 'GET',
      url,
      apiVersion: this.#ctx.apiVersion,
      abortSignal,
    };
    if (!isFinalGet) {
      const response = await this.#ctx.transport.send(request);
      this.#noteDelay(response);
      this.#lastStatusBody = response.body;
      return toOperationResponse(response);
    }
    // Final GET of `Location` (the spec's final-state-via). Spec examples hand out Location URLs that are not
    // declared paths; when that URL fails or has no job, the status body's `properties.jobId` is the answer.
    try {
      const response = await this.#ctx.transport.send(request);
      if (this.kind === 'updateVault' || extractJobInfo(response.body) || !extractJobInfo(this.#lastStatusBody)) {
        return toOperationResponse(response);
      }
    } catch (error) {
      if (this.kind === 'updateVault' || !extractJobInfo(this.#lastStatusBody)) throw error;
    }
    return toOperationResponse({
      status: 200,
      headers: {},
      body: extractJobInfo(this.#lastStatusBody),
      method: 'GET',
      url,
    });
  }

  #noteDelay(response: ArmResponse): void {
    const { pollIntervalMs, maxPollIntervalMs } = this.#ctx.timing;
    const asked = parseRetryAfterMs(response.headers);
    this.#waitBeforeNextPollMs = Math.min(asked ?? pollIntervalMs, maxPollIntervalMs);
  }

  async #finish(): Promise<T> {
    if (this.#result !== undefined) return this.#result;
    const state = this.#poller.operationState;
    if (state?.status === 'failed' || state?.status === 'canceled') throw this.#failure(state);
    this.#result = (await this.#convert(state?.result)) as T;
    return this.#result;
  }

  #failure(state: OperationState<unknown>): AzureError {
    const parsed = parseArmErrorBody(state.result ?? this.#lastStatusBody);
    const armCode = parsed.code ?? (state.status === 'canceled' ? 'OperationCanceled' : 'OperationFailed');
    const verb = state.status === 'canceled' ? 'was cancelled' : 'failed';
    return new AzureError(
      'AZURE_OPERATION_FAILED',
      `The ${this.kind} operation ${verb}: ${armCode}${parsed.message ? `: ${parsed.message}` : ''}`,
      {
        armCode,
        operation: this.kind,
        details: { operationStatus: state.status },
      },
    );
  }

  async #convert(body: unknown): Promise<OperationJobExtendedInfo | BackupVaultResource> {
    if (this.kind === 'updateVault') {
      const looksLikeVault = typeof body === 'object' && body !== null && 'properties' in body && 'id' in body;
      if (looksLikeVault) return parseVault(body);
      // The final answer was not the vault (e.g. a status body): read the vault as it is now.
      const config = (this.#poller.operationState as PollerState | undefined)?.config;
      const response = await this.#ctx.transport.send({
        operation: 'BackupVaults_Get',
        method: 'GET',
        url: config?.initialRequestUrl ?? this.vaultId,
        apiVersion: this.#ctx.apiVersion,
      });
      return parseVault(response.body);
    }
    const info = extractJobInfo(body) ?? extractJobInfo(this.#lastStatusBody);
    if (!info?.jobId) return { objectType: info?.objectType ?? 'OperationJobExtendedInfo' };
    return { objectType: info.objectType, jobId: normaliseJobId(info.jobId, this.vaultId) };
  }
}

function toOperationResponse(response: ArmResponse): OperationResponse<unknown> {
  return {
    flatResponse: response.body,
    rawResponse: {
      statusCode: response.status,
      headers: response.headers,
      body: response.body,
      request: { method: response.method, url: response.url },
    },
  };
}

function readEnvelope(serialized: string): z.infer<typeof envelopeSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(serialized);
  } catch {
    throw new BotError('AZURE_INVALID_OPERATION_STATE', 'The saved operation state is not JSON');
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BotError(
      'AZURE_INVALID_OPERATION_STATE',
      `The saved operation state is not one this client wrote: ${z.prettifyError(parsed.error).slice(0, 300)}`,
    );
  }
  return parsed.data;
}

export function kindOfSavedOperation(serialized: string): LroKind {
  return readEnvelope(serialized).kind;
}
