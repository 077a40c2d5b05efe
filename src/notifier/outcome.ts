import type { JobPhase } from '../azure';
import { type IssueRecord, type RestoreRequest, transition } from '../restore';
import { SYSTEM_ACTOR, SYSTEM_CHANNEL } from '../restore/service';
import { RequestRepository } from '../restore/service/request-repo';
import type { Store } from '../store';

/** How a followed job ended, as the request and the audit log keep it. */
export type JobEnd =
  | { phase: Exclude<JobPhase, 'running'>; jobId: string; status: string; error?: IssueRecord; durationMs?: number }
  /** Azure stopped knowing the job: nothing more can be learned about it. */
  | { phase: 'unknown'; jobId: string; status: 'NotFound'; error: IssueRecord; durationMs?: undefined };

const MAX_ATTEMPTS = 5;

/**
 * Moves a running request to `succeeded` or `failed` with the lifecycle's own events (`succeed`, `fail`) and a
 * `job_status` audit event in the same transaction. Any number of replicas may call it for the same job: the
 * conditional update lets one win, and a request no longer running is left as it is.
 */
export class RequestOutcomes {
  readonly #repo: RequestRepository;

  constructor(
    store: Store,
    private readonly now: () => Date,
  ) {
    this.#repo = new RequestRepository(store);
  }

  async record(requestId: string, end: JobEnd): Promise<RestoreRequest | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const request = await this.#repo.find(requestId);
      if (request?.state !== 'running') return request;
      const at = this.now();
      const ok = end.phase === 'succeeded' || end.phase === 'succeededWithWarnings';
      const next = ok
        ? transition(request, { type: 'succeed' }, at)
        : transition(
            request,
            { type: 'fail', error: end.error ?? { code: 'JobFailed', message: `The job ended ${end.status}.` } },
            at,
          );
      const saved = await this.#repo.save(request, next, [
        {
          type: 'job_status',
          actor: SYSTEM_ACTOR,
          channel: SYSTEM_CHANNEL,
          requestId,
          details: {
            jobId: end.jobId,
            status: end.status,
            phase: end.phase,
            ...(end.error ? { code: end.error.code, message: end.error.message } : {}),
            ...(end.durationMs !== undefined ? { durationSeconds: Math.round(end.durationMs / 1000) } : {}),
          },
          at,
        },
      ]);
      if (saved.ok) return saved.request;
    }
    return this.#repo.find(requestId);
  }
}
