import { createHash } from 'node:crypto';
import type { AuditRow, AuditRows } from '../store';

/**
 * The audit log: every state change, who did it, when and from which channel, in an append-only hash chain.
 *
 * Chain rule: `hash(n) = sha256_hex(hash(n-1) + canonicalJson(event n))`, with `hash(0)` = 64 zeros
 * (`GENESIS_HASH`). The hashed event is exactly
 *   { seq, at, type, actor: { id, displayName }, channel, requestId, details }
 * with `at` as an ISO-8601 UTC string with milliseconds and `requestId` null when there is none.
 * Canonical JSON: object keys sorted by UTF-16 code unit order at every depth, no whitespace, array order kept,
 * strings/numbers/booleans/null as JSON.stringify writes them; properties whose value is undefined are left
 * out (as JSON.stringify does). Anyone can recompute the chain from an export with these rules alone.
 */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditEventType =
  | 'request_created'
  | 'validated'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'cancelled'
  | 'triggered'
  | 'job_status'
  | 'vault_setting_changed'
  | 'permission_denied'
  // Open for new kinds of event without a schema change; the names above are the ones the product emits.
  | (string & {});

export interface AuditActor {
  /** The principal id (Slack user id, Entra object id, `system`), never a display name. */
  id: string;
  displayName: string;
}

export interface AuditEventInput {
  type: AuditEventType;
  actor: AuditActor;
  /** `slack`, `teams`, `cli`, `system`, … */
  channel: string;
  requestId?: string | null;
  details?: Record<string, unknown>;
  /** Defaults to now. */
  at?: Date;
}

export interface AuditEvent {
  seq: number;
  at: string;
  type: AuditEventType;
  actor: AuditActor;
  channel: string;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditRecord extends AuditEvent {
  prevHash: string;
  hash: string;
}

export type AuditVerification = { ok: true; count: number } | { ok: false; firstBrokenSeq: number; reason: string };

/** What the audit functions need from the store: a `Store` or a `StoreTx` (to audit inside a transaction). */
export interface AuditTarget {
  readonly auditRows: AuditRows;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // JSON.stringify(undefined) and functions yield undefined; inside arrays JSON writes null for them.
    return text === undefined ? 'null' : text;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashAuditEvent(prevHash: string, event: AuditEvent): string {
  const hashed: AuditEvent = {
    seq: event.seq,
    at: event.at,
    type: event.type,
    actor: { id: event.actor.id, displayName: event.actor.displayName },
    channel: event.channel,
    requestId: event.requestId,
    details: event.details,
  };
  return createHash('sha256')
    .update(prevHash + canonicalJson(hashed))
    .digest('hex');
}

/** Appends one event on top of the chain's current head; returns it with its seq and hashes. */
export async function appendAudit(target: AuditTarget, input: AuditEventInput): Promise<AuditRecord> {
  // Round-trip through JSON first so that what is hashed is exactly what jsonb will give back later.
  const details = JSON.parse(canonicalJson(input.details ?? {})) as Record<string, unknown>;
  const at = new Date((input.at ?? new Date()).getTime());
  const row = await target.auditRows.append((head) => {
    const event: AuditEvent = {
      seq: (head?.seq ?? 0) + 1,
      at: at.toISOString(),
      type: input.type,
      actor: { id: input.actor.id, displayName: input.actor.displayName },
      channel: input.channel,
      requestId: input.requestId ?? null,
      details,
    };
    const prevHash = head?.hash ?? GENESIS_HASH;
    return toRow({ ...event, prevHash, hash: hashAuditEvent(prevHash, event) });
  });
  return toRecord(row);
}

/**
 * Walks the chain from seq 1, one page at a time, and reports the first event whose sequence, link or hash
 * does not hold. Deleting, inserting, reordering or editing any event (short of rewriting every later hash)
 * breaks it.
 */
export async function verifyAudit(target: AuditTarget, pageSize = 500): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const rows = await target.auditRows.page(expectedSeq - 1, pageSize);
    for (const row of rows) {
      const record = toRecord(row);
      const broken = checkLink(record, expectedSeq, prevHash);
      if (broken) return { ok: false, firstBrokenSeq: expectedSeq, reason: broken };
      prevHash = record.hash;
      expectedSeq += 1;
    }
    if (rows.length < pageSize) return { ok: true, count: expectedSeq - 1 };
  }
}

/** The same check over records already in memory (e.g. a file produced by `exportAudit`). */
export function verifyAuditRecords(records: Iterable<AuditRecord>): AuditVerification {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const record of records) {
    const broken = checkLink(record, expectedSeq, prevHash);
    if (broken) return { ok: false, firstBrokenSeq: expectedSeq, reason: broken };
    prevHash = record.hash;
    expectedSeq += 1;
  }
  return { ok: true, count: expectedSeq - 1 };
}

/**
 * Writes every event as one JSON line (an `AuditRecord`), in seq order, reading a page at a time so memory
 * stays flat however long the log is. Awaits `write`, so a slow consumer slows the export down. Returns the count.
 */
export async function exportAudit(
  target: AuditTarget,
  write: (line: string) => void | Promise<void>,
  pageSize = 500,
): Promise<number> {
  let afterSeq = 0;
  let count = 0;
  for (;;) {
    const rows = await target.auditRows.page(afterSeq, pageSize);
    for (const row of rows) {
      await write(JSON.stringify(toRecord(row)));
      afterSeq = row.seq;
      count += 1;
    }
    if (rows.length < pageSize) return count;
  }
}

function checkLink(record: AuditRecord, expectedSeq: number, prevHash: string): string | undefined {
  if (record.seq !== expectedSeq) return `expected event ${expectedSeq} but found ${record.seq}: events are missing`;
  if (record.prevHash !== prevHash)
    return `event ${record.seq} does not link to the event before it (prev_hash differs)`;
  if (hashAuditEvent(prevHash, record) !== record.hash)
    return `event ${record.seq} was altered (its hash does not match its content)`;
  return undefined;
}

function toRow(record: AuditRecord): AuditRow {
  return {
    seq: record.seq,
    at: new Date(record.at),
    type: record.type,
    actorId: record.actor.id,
    actorName: record.actor.displayName,
    channel: record.channel,
    requestId: record.requestId,
    details: record.details,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    type: row.type,
    actor: { id: row.actorId, displayName: row.actorName },
    channel: row.channel,
    requestId: row.requestId,
    details: row.details,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** The port the rest of src/restore appends through. */
export interface AuditLog {
  append(input: AuditEventInput): Promise<AuditRecord>;
}

export function auditLog(target: AuditTarget): AuditLog {
  return { append: (input) => appendAudit(target, input) };
}
