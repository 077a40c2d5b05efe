import { jsonParam, type Queryable } from './db';

/** Where to post later (a Bot Framework ConversationReference, a Slack channel + thread): JSON by key. */
export interface ConversationReferences {
  put(key: string, value: unknown): Promise<void>;
  get<T = unknown>(key: string): Promise<T | undefined>;
  delete(key: string): Promise<boolean>;
}

export function conversationReferences(db: Queryable): ConversationReferences {
  return {
    async put(key, value) {
      await db.query(
        `INSERT INTO conversation_references (key, value) VALUES ($1, $2::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = clock_timestamp()`,
        [key, jsonParam(value ?? null)],
      );
    },

    async get<T>(key: string) {
      const { rows } = await db.query<{ value: T }>('SELECT value FROM conversation_references WHERE key = $1', [key]);
      return rows[0]?.value;
    },

    async delete(key) {
      const { rowCount } = await db.query('DELETE FROM conversation_references WHERE key = $1', [key]);
      return rowCount === 1;
    },
  };
}
