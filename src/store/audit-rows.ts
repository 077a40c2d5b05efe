import { jsonParam, type Queryable } from './db';

/**
 * Persistence of the audit log's hash chain. What goes into a row and how it is hashed is decided in
 * src/restore/audit.ts; this module only guarantees that rows are appended one at a time, in order, on top of
 * the current head, and read back by sequence number. There is deliberately no update or delete.
 */
export interface AuditRow {
  seq: number;
  at: Date;
  type: string;
  actorId: string;
  actorName: string;
  channel: string;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditChainHead {
  seq: number;
  hash: string;
}

export interface AuditRows {
  /**
   * Reads the head of the chain and inserts the row `build` makes from it, holding the chain lock in between,
   * so concurrent appends (any replica) queue and the chain never forks. Inside a store transaction the lock is
   * held until that transaction ends.
   */
  append(build: (head: AuditChainHead | undefined) => AuditRow): Promise<AuditRow>;
  /** Up to `limit` rows with seq > `afterSeq`, in seq order. */
  page(afterSeq: number, limit: number): Promise<AuditRow[]>;
  /** Every row about one request, in seq order. */
  forRequest(requestId: string): Promise<AuditRow[]>;
}

interface Row {
  seq: number | string;
  at: Date;
  type: string;
  actor_id: string;
  actor_name: string;
  channel: string;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, at, type, actor_id, actor_name, channel, request_id, details, prev_hash, hash';

export function auditRows(db: Queryable): AuditRows {
  return {
    append(build) {
      return db.transaction(async (tx) => {
        // Transaction-scoped, keyed by schema: released at commit or rollback, whatever happens to the caller.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.restore_bot.audit'))`);
        const { rows } = await tx.query<{ seq: number | string; hash: string }>(
          'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
        );
        const head = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
        const row = build(head);
        await tx.query(
          `INSERT INTO audit_events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
          [
            row.seq,
            row.at,
            row.type,
            row.actorId,
            row.actorName,
            row.channel,
            row.requestId,
            jsonParam(row.details),
            row.prevHash,
            row.hash,
          ],
        );
        return row;
      });
    },

    async page(afterSeq, limit) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`, [
        afterSeq,
        limit,
      ]);
      return rows.map(toAuditRow);
    },

    async forRequest(requestId) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_events WHERE request_id = $1 ORDER BY seq`, [
        requestId,
      ]);
      return rows.map(toAuditRow);
    },
  };
}

function toAuditRow(row: Row): AuditRow {
  return {
    seq: Number(row.seq),
    at: row.at,
    type: row.type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    channel: row.channel,
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
