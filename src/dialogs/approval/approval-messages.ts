import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyValueStore } from '../deps';
import type { MessageRef } from '../ports';

/**
 * The approval message(s) of each request and the nonce its buttons carry, kept in the store's key/value
 * table under `approval:<request id>`. The decision updates every copy listed here; the notifier replies in
 * the thread of the first one.
 */
export interface ApprovalRecord {
  nonce: string;
  messages: MessageRef[];
}

export class ApprovalMessages {
  constructor(private readonly kv: KeyValueStore) {}

  static key(requestId: string): string {
    return `approval:${requestId}`;
  }

  /** A fresh nonce, stored before the card is posted so that no click can arrive ahead of it. */
  async open(requestId: string): Promise<ApprovalRecord> {
    const record: ApprovalRecord = { nonce: randomBytes(16).toString('base64url'), messages: [] };
    await this.kv.put(ApprovalMessages.key(requestId), record);
    return record;
  }

  async addMessage(requestId: string, message: MessageRef): Promise<void> {
    const record = await this.get(requestId);
    if (!record) return;
    await this.kv.put(ApprovalMessages.key(requestId), { ...record, messages: [...record.messages, message] });
  }

  async get(requestId: string): Promise<ApprovalRecord | undefined> {
    const value = await this.kv.get<ApprovalRecord>(ApprovalMessages.key(requestId));
    if (!value || typeof value.nonce !== 'string' || !Array.isArray(value.messages)) return undefined;
    return value;
  }

  /** The first approval message: where follow-ups are posted as thread replies. */
  async thread(requestId: string): Promise<MessageRef | undefined> {
    return (await this.get(requestId))?.messages[0];
  }
}

/** Constant-time comparison, so a forged nonce learns nothing from timing. */
export function nonceMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
