/**
 * Who is acting, as the restore core needs them (`Actor`): the Slack user id and team from the signed
 * payload, the name and time zone from `users.info` (kept for an hour: names and zones rarely change, and
 * typed times such as "yesterday 18:00" are read in that zone). When Slack cannot answer, the payload's
 * name and UTC are used: the turn goes on.
 */
import type { Actor } from '../../dialogs/ports';
import type { Logger } from '../../log';
import type { SlackApi, SlackUser } from './api';
import { TtlCache } from './ttl-cache';

const USER_TTL_MS = 60 * 60 * 1_000;

export interface PayloadUser {
  id: string;
  /** The name in the payload (`user_name`, `user.name`), used when users.info cannot be read. */
  name?: string;
  teamId: string;
}

export class SlackPeople {
  private readonly users: TtlCache<SlackUser>;

  constructor(
    private readonly api: Pick<SlackApi, 'userInfo'>,
    private readonly logger: Logger,
    now?: () => number,
  ) {
    this.users = new TtlCache(USER_TTL_MS, now);
  }

  async actor(user: PayloadUser): Promise<Actor> {
    const base: Actor = {
      channel: 'slack',
      userId: user.id,
      displayName: user.name || user.id,
      tenantOrTeamId: user.teamId,
    };
    try {
      const info = await this.users.get(user.id, () => this.api.userInfo(user.id));
      return { ...base, displayName: info.name || base.displayName, ...(info.tz ? { timeZone: info.tz } : {}) };
    } catch (error) {
      this.logger.warn('could not read the Slack user; going on with the payload name and UTC', {
        userId: user.id,
        error,
      });
      return base;
    }
  }
}
