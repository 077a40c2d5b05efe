import type { RequestRecord, RequestUpdate, Store, StoreTx } from '../../store';
import { type AuditEventInput, appendAudit } from '../audit';
import type { RequestState, RestoreRequest } from '../request';
import { requestNotFound } from './errors';

/**
 * Restore requests over the generic request records of the store. The domain's `version` and the store's are
 * the same number: a request is inserted once it is offered for approval (domain version 1 = store version 1),
 * and every transition adds one on both sides, so the compare-and-swap expects `request.version`.
 */
export type SaveResult = { ok: true; request: RestoreRequest } | { ok: false; current: RestoreRequest };

/** Extra writes that must commit with a transition (intent's job id, job watch, ...). */
export type AlsoInTx = (tx: StoreTx, saved: RestoreRequest) => Promise<void>;

export class RequestRepository {
  constructor(private readonly store: Store) {}

  async find(id: string): Promise<RestoreRequest | undefined> {
    const record = await this.store.requests.get<RestoreRequest>(id);
    return record ? fromRecord(record) : undefined;
  }

  async require(id: string): Promise<RestoreRequest> {
    const request = await this.find(id);
    if (!request) throw requestNotFound(id);
    return request;
  }

  async listIn(states: readonly RequestState[], limit = 500, kind?: RestoreRequest['kind']): Promise<RestoreRequest[]> {
    const records = await this.store.requests.list<RestoreRequest>({ states, limit, ...(kind && { kind }) });
    return records.map(fromRecord);
  }

  async listExpiring(now: Date, limit = 100): Promise<RestoreRequest[]> {
    const records = await this.store.requests.listExpiring<RestoreRequest>(now, {
      states: ['awaiting_approval'],
      limit,
    });
    return records.map(fromRecord);
  }

  /**
   * Inserts a new request with its audit events in one transaction; STORE_DUPLICATE when the id is taken.
   * `guard` runs first in that transaction and may refuse by throwing (e.g. one open change per vault setting).
   */
  async insert(
    request: RestoreRequest,
    audit: readonly AuditEventInput[],
    guard?: (tx: StoreTx) => Promise<void>,
  ): Promise<RestoreRequest> {
    return this.store.transaction(async (tx) => {
      if (guard) await guard(tx);
      const record = await tx.requests.insert({
        id: request.id,
        kind: request.kind,
        state: request.state,
        data: request,
        expiresAt: request.expiresAt ? new Date(request.expiresAt) : null,
        createdAt: new Date(request.createdAt),
      });
      for (const event of audit) await appendAudit(tx, event);
      return fromRecord(record);
    });
  }

  /**
   * One conditional update from `previous` to `next`, with its audit events (and `also`) in the same
   * transaction. Of concurrent savers from the same `previous`, exactly one gets `ok: true`; the others get
   * the request as it is now, and nothing of theirs is written.
   */
  async save(
    previous: RestoreRequest,
    next: RestoreRequest,
    audit: readonly AuditEventInput[] = [],
    also?: AlsoInTx,
  ): Promise<SaveResult> {
    return this.store.transaction(async (tx): Promise<SaveResult> => {
      const swap = await tx.requests.compareAndSwap<RestoreRequest>(
        previous.id,
        { expectedVersion: previous.version, expectedState: previous.state },
        toUpdate(next),
      );
      if (!swap.ok) {
        if (!swap.current) throw requestNotFound(previous.id);
        return { ok: false, current: fromRecord(swap.current) };
      }
      const saved = fromRecord(swap.record);
      for (const event of audit) await appendAudit(tx, event);
      if (also) await also(tx, saved);
      return { ok: true, request: saved };
    });
  }
}

function fromRecord(record: RequestRecord<RestoreRequest>): RestoreRequest {
  // The columns are the truth for state and version; the JSON carries the rest.
  return { ...record.data, state: record.state as RequestState, version: record.version } as RestoreRequest;
}

function toUpdate(next: RestoreRequest): RequestUpdate<RestoreRequest> {
  return {
    state: next.state,
    data: next,
    expiresAt: next.expiresAt ? new Date(next.expiresAt) : null,
    updatedAt: new Date(next.updatedAt),
  };
}
