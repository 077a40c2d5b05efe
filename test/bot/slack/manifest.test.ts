/**
 * The Slack app manifest people paste into "Create New App → From an app manifest": it must parse, point every
 * Slack callback at the one endpoint the bot serves, ask for exactly the scopes the bot uses, and stay within
 * the lengths Slack's manifest editor accepts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SLACK_MANIFEST_LIMITS as M } from '../../../src/bot/slack/limits';

const MANIFEST_DIR = join(__dirname, '..', '..', '..', 'manifest', 'slack');
const PLACEHOLDER_HOST = 'restore-bot.example.com';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by assertions
let manifest: any;
let raw: string;

beforeAll(async () => {
  raw = await readFile(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
  manifest = JSON.parse(raw);
});

const length = (text: string) => [...text].length;

describe('Slack app manifest', () => {
  test('declares /restore without escaping, so server names arrive as typed', () => {
    expect(manifest.features.slash_commands).toHaveLength(1);
    const [command] = manifest.features.slash_commands;
    expect(command.command).toBe('/restore');
    expect(command.should_escape).toBe(false);
    expect(command.usage_hint).toEqual(expect.any(String));
  });

  test('sends the command, interactions and options loads to /slack/events on one placeholder host', () => {
    const urls = [
      manifest.features.slash_commands[0].url,
      manifest.settings.interactivity.request_url,
      manifest.settings.interactivity.message_menu_options_url,
    ];
    for (const url of urls) {
      const parsed = new URL(url);
      expect(parsed.protocol).toBe('https:');
      expect(parsed.host).toBe(PLACEHOLDER_HOST);
      expect(parsed.pathname).toBe('/slack/events');
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    // The README tells people to replace the host in three places; there must be no fourth.
    expect(raw.split(PLACEHOLDER_HOST)).toHaveLength(4);
  });

  test('asks for exactly the bot scopes the bot uses, and no user scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ['channels:history', 'chat:write', 'commands', 'groups:history', 'usergroups:read', 'users:read'].sort(),
    );
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  test('uses HTTP mode (Socket Mode is opt-in) and plain long-lived tokens', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
    expect(manifest.features.bot_user.display_name).toBeTruthy();
  });

  test('stays within the lengths Slack documents for manifests', () => {
    const [command] = manifest.features.slash_commands;
    expect(length(command.command)).toBeLessThanOrEqual(M.slashCommand);
    expect(length(command.description)).toBeGreaterThan(0);
    expect(length(command.description)).toBeLessThanOrEqual(M.slashCommandDescription);
    expect(length(command.usage_hint)).toBeLessThanOrEqual(M.slashCommandUsageHint);
    expect(length(manifest.display_information.name)).toBeLessThanOrEqual(M.appName);
    expect(length(manifest.display_information.description)).toBeLessThanOrEqual(M.appDescription);
    expect(manifest.features.bot_user.display_name).toMatch(new RegExp(`^[a-z0-9._-]{1,${M.botDisplayName}}$`));
    expect(manifest.display_information.background_color).toMatch(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i);
  });

  test('the README names the env vars the bot reads and the placeholder to replace', async () => {
    const readme = await readFile(join(MANIFEST_DIR, 'README.md'), 'utf8');
    for (const name of [
      'SLACK_SIGNING_SECRET',
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'socket_mode_enabled',
      PLACEHOLDER_HOST,
    ]) {
      expect(readme).toContain(name);
    }
  });
});
