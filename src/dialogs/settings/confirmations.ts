import { randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../deps';
import type { ChannelName, Place } from '../ports';

/**
 * A change someone clicked on the posture view, waiting for their confirmation. Stored (not carried by the
 * card) so that the confirmation's buttons need only a random token, and so that the place it was asked in
 * is known when the confirmation continues in the person's 1:1 chat.
 */
export interface PendingConfirmation {
  token: string;
  vault: { id: string; name: string; location: string };
  changeKey: string;
  requester: { channel: ChannelName; userId: string; displayName: string };
  /** Where the posture view's button was clicked: the policy and the approval post go by it. */
  askedIn: Place;
  createdAt: string;
  expiresAt: string;
  /** Set once it was used or cancelled: a later click on the same card changes nothing. */
  closed?: { requestId: string } | { cancelled: true };
}

/** Long enough to read the warnings and type a name; short enough that an old card is not a loaded gun. */
export const CONFIRMATION_TTL_MS = 15 * 60_000;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

export class VaultSettingConfirmations {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly now: () => Date,
  ) {}

  static key(token: string): string {
    return `vault-setting-confirmation:${token}`;
  }

  async open(fields: Omit<PendingConfirmation, 'token' | 'createdAt' | 'expiresAt'>): Promise<PendingConfirmation> {
    const at = this.now();
    const pending: PendingConfirmation = {
      ...fields,
      token: randomBytes(16).toString('base64url'),
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + CONFIRMATION_TTL_MS).toISOString(),
    };
    await this.kv.put(VaultSettingConfirmations.key(pending.token), pending);
    return pending;
  }

  /** The confirmation a button's token names; undefined for anything the bot did not store. */
  async get(token: unknown): Promise<PendingConfirmation | undefined> {
    if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
    const stored = await this.kv.get<PendingConfirmation>(VaultSettingConfirmations.key(token));
    return stored?.token === token ? stored : undefined;
  }

  async close(pending: PendingConfirmation, closed: NonNullable<PendingConfirmation['closed']>): Promise<void> {
    await this.kv.put(VaultSettingConfirmations.key(pending.token), { ...pending, closed });
  }

  isExpired(pending: PendingConfirmation): boolean {
    return this.now().getTime() >= Date.parse(pending.expiresAt);
  }
}
