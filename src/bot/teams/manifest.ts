/**
 * The Teams app manifest for a given bot: the committed template (manifest/teams/manifest.json, with zero
 * GUIDs standing in for the ids) with the bot's ids filled in.
 */
import { createHash } from 'node:crypto';
import { BotError } from '../../errors';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface TeamsManifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  bots: { botId: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface ManifestValues {
  /** The Azure Bot's Microsoft App ID (MicrosoftAppId). */
  botId: string;
  /** The Teams app id; by default derived from the bot id, so rebuilding the package keeps the same app. */
  appId?: string;
  /** App version (semver); default: the template's. */
  version?: string;
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export function buildManifest(template: TeamsManifest, values: ManifestValues): TeamsManifest {
  if (!isGuid(values.botId)) {
    throw new BotError(
      'TEAMS_BOT_ID_INVALID',
      `The bot id must be the Azure Bot's Microsoft App ID (a GUID), not "${values.botId}".`,
    );
  }
  const appId = values.appId ?? appIdFor(values.botId);
  if (!isGuid(appId)) throw new BotError('TEAMS_APP_ID_INVALID', `The Teams app id must be a GUID, not "${appId}".`);
  return {
    ...template,
    id: appId,
    ...(values.version ? { version: values.version } : {}),
    bots: template.bots.map((bot) => ({ ...bot, botId: values.botId })),
  };
}

/** A stable GUID (version 5 layout) derived from the bot id. */
export function appIdFor(botId: string): string {
  const hash = createHash('sha1').update(`restore-bot teams app:${botId.toLowerCase()}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
