import { BotError } from '../errors';
import { jsonParam, type Queryable } from './db';

/**
 * "We are about to call Azure for this request", written before the call. At most one per request: after a
 * crash, its presence without a job id tells recovery to look for the job in Azure before calling again.
 */
export interface TriggerIntent<D = unknown> {
  requestId: string;
  details: D;
  createdAt: Date;
  jobId: string | null;
  pollerState: unknown;
  jobRecordedAt: Date | null;
}

export interface TriggerIntents {
  /** Records the intent once; a later call returns the existing one with `created: false` and changes nothing. */
  recordIntent<D>(requestId: string, details: D): Promise<{ intent: TriggerIntent<D>; created: boolean }>;
  /**
   * Attaches the Azure job (and the operation poller's state) to the intent. Repeating it with the same job id
   * updates the poller state; a different job id fails with STORE_CONFLICT, a missing intent with STORE_NOT_FOUND.
   */
  recordJob(requestId: string, jobId: string, pollerState?: unknown): Promise<TriggerIntent>;
  getIntent<D = unknown>(requestId: string): Promise<TriggerIntent<D> | undefined>;
}

interface Row {
  request_id: string;
  details: unknown;
  created_at: Date;
  job_id: string | null;
  poller_state: unknown;
  job_recorded_at: Date | null;
}

const COLUMNS = 'request_id, details, created_at, job_id, poller_state, job_recorded_at';

export function triggerIntents(db: Queryable): TriggerIntents {
  const getIntent = async <D>(requestId: string): Promise<TriggerIntent<D> | undefined> => {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM trigger_intents WHERE request_id = $1`, [requestId]);
    return rows[0] ? toIntent<D>(rows[0]) : undefined;
  };
  return {
    getIntent,

    async recordIntent<D>(requestId: string, details: D) {
      const { rows } = await db.query<Row>(
        `INSERT INTO trigger_intents (request_id, details) VALUES ($1, $2::jsonb)
         ON CONFLICT (request_id) DO NOTHING RETURNING ${COLUMNS}`,
        [requestId, jsonParam(details)],
      );
      if (rows[0]) return { intent: toIntent<D>(rows[0]), created: true };
      const existing = await getIntent<D>(requestId);
      if (!existing) throw new BotError('STORE_NOT_FOUND', `no trigger intent for ${requestId}`, { requestId });
      return { intent: existing, created: false };
    },

    async recordJob(requestId, jobId, pollerState) {
      const { rows } = await db.query<Row>(
        `UPDATE trigger_intents
         SET job_id = $2, poller_state = COALESCE($3::jsonb, poller_state), job_recorded_at = COALESCE(job_recorded_at, clock_timestamp())
         WHERE request_id = $1 AND (job_id IS NULL OR job_id = $2)
         RETURNING ${COLUMNS}`,
        [requestId, jobId, jsonParam(pollerState)],
      );
      if (rows[0]) return toIntent(rows[0]);
      const existing = await getIntent(requestId);
      if (!existing) {
        throw new BotError('STORE_NOT_FOUND', `no trigger intent was recorded for ${requestId}`, { requestId });
      }
      throw new BotError(
        'STORE_CONFLICT',
        `request ${requestId} already has job ${existing.jobId}; refusing to record ${jobId}`,
        { requestId, jobId: existing.jobId },
      );
    },
  };
}

function toIntent<D>(row: Row): TriggerIntent<D> {
  return {
    requestId: row.request_id,
    details: row.details as D,
    createdAt: row.created_at,
    jobId: row.job_id,
    pollerState: row.poller_state,
    jobRecordedAt: row.job_recorded_at,
  };
}
