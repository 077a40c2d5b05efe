/**
 * Where the bot can post later. Every turn records (1) the conversation it came from, (2) how to reach its
 * sender in a 1:1 chat and (3) the tenant's service URL, in the store's conversation references (a JSON
 * key/value table that survives restarts and is shared by replicas). The keys are private to this module.
 */
import type { Activity, ConversationReference } from 'botbuilder-core';
import { TurnContext } from 'botbuilder-core';
import { baseConversationId, type ConversationKind, conversationKindOf, teamsChannelIdOf, tenantOf } from './identity';

/** The store's `conversations` table satisfies this (`store.conversations`). */
export interface ConversationRefStore {
  put(key: string, value: unknown): Promise<void>;
  get<T = unknown>(key: string): Promise<T | undefined>;
}

/** A channel or chat the bot has heard from. `reference.conversation.id` is the base id (no thread part). */
export interface StoredConversation {
  kind: ConversationKind;
  tenantId?: string;
  reference: Partial<ConversationReference>;
}

/** What it takes to open a 1:1 chat with a user. */
export interface StoredUser {
  /** The Teams member id (`29:…`), which `createConversation` wants, not the Entra object id. */
  memberId: string;
  name?: string;
  tenantId?: string;
  serviceUrl: string;
  bot: { id: string; name?: string };
  /** The 1:1 chat, once known. */
  personalConversationId?: string;
}

/** The service URL and bot account last seen for a tenant (for posting into a channel never spoken in). */
export interface StoredService {
  serviceUrl: string;
  tenantId?: string;
  bot: { id: string; name?: string };
}

const MAX_CACHED_KEYS = 10_000;

export const refKeys = {
  conversation: (conversationId: string) => `teams:conversation:${baseConversationId(conversationId)}`,
  user: (userId: string) => `teams:user:${userId}`,
  service: (tenantId?: string) => (tenantId ? `teams:service:${tenantId}` : 'teams:service'),
};

/**
 * Writes the references of an incoming activity, skipping writes whose value has not changed since this
 * process last wrote it (a busy conversation would otherwise cost three writes per turn).
 */
export class ConversationRefRecorder {
  private readonly lastWritten = new Map<string, string>();

  constructor(private readonly store: ConversationRefStore) {}

  async record(activity: Partial<Activity>, userId: string): Promise<void> {
    if (!activity.serviceUrl || !activity.conversation?.id || !activity.recipient) return;
    const kind = conversationKindOf(activity);
    const tenantId = tenantOf(activity);
    const reference = TurnContext.getConversationReference(activity);
    const baseId =
      kind === 'channel'
        ? (teamsChannelIdOf(activity) ?? baseConversationId(activity.conversation.id))
        : activity.conversation.id;
    // The reference points at the channel itself, not the thread or message this activity happened to be in.
    const conversation: StoredConversation = {
      kind,
      ...(tenantId ? { tenantId } : {}),
      reference: { ...reference, activityId: undefined, conversation: { ...reference.conversation!, id: baseId } },
    };
    const bot = { id: activity.recipient.id, ...(activity.recipient.name ? { name: activity.recipient.name } : {}) };
    const writes: [string, unknown][] = [
      [refKeys.conversation(baseId), conversation],
      [
        refKeys.service(tenantId),
        { serviceUrl: activity.serviceUrl, ...(tenantId ? { tenantId } : {}), bot } satisfies StoredService,
      ],
      [
        refKeys.service(),
        { serviceUrl: activity.serviceUrl, ...(tenantId ? { tenantId } : {}), bot } satisfies StoredService,
      ],
    ];
    if (activity.from?.id && userId) {
      const user: StoredUser = {
        memberId: activity.from.id,
        ...(activity.from.name ? { name: activity.from.name } : {}),
        ...(tenantId ? { tenantId } : {}),
        serviceUrl: activity.serviceUrl,
        bot,
        ...(kind === 'personal' ? { personalConversationId: activity.conversation.id } : {}),
      };
      const known = kind === 'personal' ? undefined : await this.cachedPersonalChat(userId);
      if (known) user.personalConversationId = known;
      writes.push([refKeys.user(userId), user]);
    }
    await Promise.all(writes.map(([key, value]) => this.put(key, value)));
  }

  /** Records the 1:1 chat created for a user (so the next private wizard reuses it). */
  async rememberPersonalChat(
    userId: string,
    user: StoredUser,
    reference: Partial<ConversationReference>,
  ): Promise<void> {
    const id = reference.conversation!.id;
    await this.put(refKeys.user(userId), { ...user, personalConversationId: id });
    await this.put(refKeys.conversation(id), {
      kind: 'personal',
      ...(user.tenantId ? { tenantId: user.tenantId } : {}),
      reference,
    } satisfies StoredConversation);
  }

  private async cachedPersonalChat(userId: string): Promise<string | undefined> {
    const cached = this.lastWritten.get(refKeys.user(userId));
    if (cached !== undefined) return (JSON.parse(cached) as StoredUser).personalConversationId;
    return (await this.store.get<StoredUser>(refKeys.user(userId)))?.personalConversationId;
  }

  private async put(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (this.lastWritten.get(key) === json) return;
    await this.store.put(key, value);
    this.lastWritten.delete(key);
    this.lastWritten.set(key, json);
    // Bounded: only a cache of what we wrote; the oldest entries go first (Map keeps insertion order).
    if (this.lastWritten.size > MAX_CACHED_KEYS) this.lastWritten.delete(this.lastWritten.keys().next().value!);
  }
}
