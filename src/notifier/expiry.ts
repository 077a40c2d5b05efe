import { ApprovalMessages } from '../dialogs/approval/approval-messages';
import { approvalView } from '../dialogs/approval/approval-view';
import type { KeyValueStore } from '../dialogs/deps';
import { say } from '../dialogs/messages';
import type { Poster } from '../dialogs/ports';
import type { View } from '../dialogs/views';
import type { Logger } from '../log';
import type { RestoreRequest } from '../restore';
import type { RestoreService } from '../restore/service';
import type { Store } from '../store';
import { type OncePoster, PostRetryLater } from './once';
import { isConversationGone, postErrorCode } from './post-errors';

/** How many requests one pass expires or checks at most (the rest follow on the next pass). */
const BATCH = 100;
/** A claim older than this with no post marked is a crash's leftover, not a post in flight. */
const STALE_CLAIM_MS = 60_000;
/** Crash leftovers are looked for at start and then this often. */
const CATCH_UP_EVERY_MS = 5 * 60_000;

export interface ExpiryDeps {
  store: Store;
  service: Pick<RestoreService, 'expireDue'>;
  poster: Poster;
  once: OncePoster;
  approvals: KeyValueStore;
  now: () => Date;
  logger: Logger;
  keyTtlMs: number;
}

/**
 * Timed expiry: requests nobody decided are moved to `expired` by the service (`expireDue`), and then every
 * copy of their approval card turns *Expired* and the requester is told in the thread, by name, once.
 *
 * Exactly once across replicas and crashes: before `expireDue`, each due request's key
 * `<requestId>:expired` is claimed as a marker ("a notice may be owed"). The replica whose `expireDue` wins a
 * request (one conditional update) posts its notice and marks the key done. A crash after the expiry but
 * before the mark leaves the marker claimed and undone; the catch-up (at start, then every few minutes) finds
 * such markers on expired requests and settles them the way milestones are settled (see once.ts). A
 * request that a replica claimed but another process expired (a click on a late card expires it too, and
 * answers in the thread itself) is marked done, so nobody tells the requester twice.
 */
export class ExpiryAnnouncer {
  readonly #approvals: ApprovalMessages;
  #lastCatchUp = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: ExpiryDeps) {
    this.#approvals = new ApprovalMessages(deps.approvals);
  }

  static key(requestId: string): string {
    return `${requestId}:expired`;
  }

  /** One pass; returns how many requests it expired. */
  async run(): Promise<number> {
    const now = this.deps.now();
    const keys = this.deps.store.idempotency;
    const due = await this.deps.store.requests.listExpiring<RestoreRequest>(now, {
      states: ['awaiting_approval'],
      limit: BATCH,
    });
    for (const record of due) await keys.claim(ExpiryAnnouncer.key(record.id), this.deps.keyTtlMs);
    const expired = await this.deps.service.expireDue(now);
    const mine = new Set(expired.map((r) => r.id));
    for (const request of expired) await this.announce(request, true);
    for (const record of due) {
      if (mine.has(record.id)) continue;
      // Someone else decided or expired it meanwhile; whoever expired it tells the requester.
      await keys.markDone(ExpiryAnnouncer.key(record.id), { by: 'another process' });
    }
    if (now.getTime() - this.#lastCatchUp >= CATCH_UP_EVERY_MS) {
      this.#lastCatchUp = now.getTime();
      await this.catchUp(now);
    }
    return expired.length;
  }

  /** Notices owed from before a crash: expired requests whose marker is claimed and was never marked done. */
  async catchUp(now: Date): Promise<void> {
    const keys = this.deps.store.idempotency;
    const recent = await this.deps.store.requests.list<RestoreRequest>({ states: ['expired'], limit: BATCH });
    for (const record of recent) {
      const marker = await keys.get(ExpiryAnnouncer.key(record.id));
      if (!marker || marker.doneAt || now.getTime() - marker.claimedAt.getTime() < STALE_CLAIM_MS) continue;
      // One replica settles each leftover per round; a failed attempt is retried the next round.
      if (!(await keys.claim(`${ExpiryAnnouncer.key(record.id)}:catch-up`, CATCH_UP_EVERY_MS / 2))) continue;
      this.deps.logger.warn('notifier: an expiry notice was left unfinished by a restart; settling it', {
        requestId: record.id,
      });
      await this.announce({ ...record.data, state: 'expired', version: record.version } as RestoreRequest, false);
    }
  }

  /** Cards to *Expired* everywhere, then the requester is told in the thread. */
  private async announce(request: RestoreRequest, claimedByUs: boolean): Promise<void> {
    const approval = await this.#approvals.get(request.id);
    const key = ExpiryAnnouncer.key(request.id);
    if (!approval) {
      await this.deps.store.idempotency.markDone(key, { skipped: 'no approval card' });
      return;
    }
    const card = approvalView(request, { now: this.deps.now() });
    for (const copy of approval.messages) {
      try {
        await this.deps.poster.update(copy, card);
      } catch (error) {
        this.deps.logger.warn('notifier: could not turn an approval card copy to Expired', {
          requestId: request.id,
          messageId: copy.messageId,
          code: postErrorCode(error),
          gone: isConversationGone(error),
        });
      }
    }
    const thread = approval.messages[0];
    if (!thread) {
      await this.deps.store.idempotency.markDone(key, { skipped: 'no thread' });
      return;
    }
    try {
      const result = await this.deps.once.post({
        key,
        thread,
        view: expiredNotice(request),
        essential: true,
        alreadyClaimed: claimedByUs,
      });
      this.deps.logger.info('notifier: expired request announced', {
        requestId: request.id,
        delivery: result.delivery,
      });
    } catch (error) {
      if (!(error instanceof PostRetryLater)) throw error;
      // The marker stays claimed and undone: the catch-up settles it once the channel answers again.
      this.deps.logger.warn('notifier: could not tell the requester about the expiry yet', {
        requestId: request.id,
        code: error.code,
      });
    }
  }
}

function expiredNotice(request: RestoreRequest): View {
  return {
    kind: 'notice',
    tone: 'warning',
    title: say('REQUEST_EXPIRED_REPLY', { requestId: request.id, requester: request.requester.displayName }),
  };
}
