import type { FoundReply, MessageRef, Poster } from '../dialogs/ports';
import type { View } from '../dialogs/views';
import type { Logger } from '../log';
import type { IdempotencyKeys } from '../store';
import { Slots } from './concurrency';
import { asRepeat } from './milestone-views';
import { isConversationGone, postErrorCode } from './post-errors';

/**
 * Posts each milestone at most once, and each essential one (a job's end) at least once, across crashes and
 * replicas. The key `<requestId>:<milestone>` is claimed in the store BEFORE the post and marked done after.
 * A key found claimed but never marked means a process stopped in between: the post may or may not have
 * gone out. Then the channel is asked (`findReply`: Slack reads message metadata back). Found: marked done.
 * Not found: sent. Unknown (Teams has no way to look): an essential post is sent again, marked as a
 * possible repeat; an intermediate one is dropped — a missing progress note harms nobody, a missing
 * completion does. So a duplicate can only come from a crash in the instant between sending and marking.
 */
export type Delivery =
  /** Posted now. */
  | 'sent'
  /** Posted again after a restart, with a note that it may be a repeat. */
  | 'repeated'
  /** Posted earlier (by this or another process). */
  | 'already'
  /** An intermediate milestone whose fate could not be checked: not re-sent. */
  | 'skipped'
  /** The conversation is gone for the bot (deleted, archived, bot removed): nothing can be posted there. */
  | 'gone'
  /** The watch's lease was lost before sending: the new owner posts it. */
  | 'not-ours';

export interface OncePost {
  key: string;
  thread: MessageRef;
  view: View;
  /** A job's end (or the expiry notice): must never be lost, so it is re-sent when its fate is unknown. */
  essential: boolean;
  /** The caller claimed the key itself and is the one to post (expiry: the winner of the expiry). */
  alreadyClaimed?: boolean;
  /** Checked before claiming: false when the caller no longer owns the work (lease taken over). */
  stillOurs?: () => Promise<boolean>;
}

export interface OnceResult {
  delivery: Delivery;
  message?: MessageRef;
  /** For `gone`: the channel's error code. */
  code?: string;
}

/** Thrown (as a plain error) when a post failed for a reason worth retrying; the caller tries next cycle. */
export class PostRetryLater extends Error {
  constructor(
    readonly key: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(`post ${key} failed (${code}); will retry`, { cause });
  }
}

/**
 * Posts in flight at once, per process. Few, on purpose: a post claimed when a process dies goes out again
 * (Teams, with a note), so the fewer claims are open at any instant, the fewer repeats a crash can cause.
 * Posts are quick (one claim, one send, one mark), so a few lanes still carry hundreds a second.
 */
export const POSTS_IN_FLIGHT = 4;

export class OncePoster {
  readonly #slots = new Slots(POSTS_IN_FLIGHT);
  /**
   * Keys whose send failed in this process (nothing went out), with whether that send was already a repeat:
   * retried as they were, not reconciled as if a crash had left them.
   */
  readonly #failedHere = new Map<string, { repeat: boolean }>();

  constructor(
    private readonly keys: IdempotencyKeys,
    private readonly poster: Poster,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  post(item: OncePost): Promise<OnceResult> {
    return this.#slots.run(() => this.#post(item));
  }

  async #post(item: OncePost): Promise<OnceResult> {
    // Ownership is checked before the claim, so that claim and send follow each other as closely as they can:
    // a crash between them is what makes an essential post go out again with a note.
    if (item.stillOurs && !(await item.stillOurs())) return { delivery: 'not-ours' };
    let repeat = false;
    if (!item.alreadyClaimed && !(await this.keys.claim(item.key, this.ttlMs))) {
      const record = await this.keys.get(item.key);
      if (record?.doneAt) return { delivery: 'already' };
      const failed = this.#failedHere.get(item.key);
      if (failed) repeat = failed.repeat;
      else if (record) {
        const decision = await this.reconcile(item);
        if (decision !== 'send' && decision !== 'repeat') return { delivery: decision };
        repeat = decision === 'repeat';
      } else if (!(await this.keys.claim(item.key, this.ttlMs))) {
        // Expired and claimed by someone else between our two looks: theirs to post.
        return { delivery: 'not-ours' };
      }
    }
    let message: MessageRef;
    try {
      message = await this.poster.reply(item.thread, repeat ? asRepeat(item.view) : item.view, { key: item.key });
    } catch (error) {
      const code = postErrorCode(error);
      if (isConversationGone(error)) {
        await this.keys.markDone(item.key, { gone: code });
        return { delivery: 'gone', code };
      }
      this.#failedHere.set(item.key, { repeat });
      throw new PostRetryLater(item.key, code, error);
    }
    this.#failedHere.delete(item.key);
    await this.keys.markDone(item.key, { messageId: message.messageId, ...(repeat ? { repeated: true } : {}) });
    return { delivery: repeat ? 'repeated' : 'sent', message };
  }

  /** A key claimed before a crash: asks the channel whether the post went out. */
  private async reconcile(item: OncePost): Promise<'send' | 'repeat' | 'already' | 'skipped'> {
    let found: FoundReply = { found: 'unknown' };
    try {
      if (this.poster.findReply) found = await this.poster.findReply(item.thread, item.key);
    } catch (error) {
      // Could not look: treat like a channel that cannot look, the safe side for an essential post.
      this.logger.warn('notifier: could not check whether a post went out', {
        key: item.key,
        code: postErrorCode(error),
      });
    }
    if (found.found === true) {
      await this.keys.markDone(item.key, { messageId: found.message.messageId, reconciled: true });
      this.logger.info('notifier: a post from before a restart was found; not sending it again', { key: item.key });
      return 'already';
    }
    if (found.found === false) return 'send';
    if (!item.essential) {
      await this.keys.markDone(item.key, { skipped: 'unknown after restart' });
      this.logger.info('notifier: skipping a progress post whose fate after a restart is unknown', {
        key: item.key,
      });
      return 'skipped';
    }
    this.logger.warn('notifier: re-sending a post that may have gone out before a restart', { key: item.key });
    return 'repeat';
  }
}
