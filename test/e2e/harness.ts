/**
 * The whole product on loopback for end-to-end tests: the Azure emulator (preset demo), the bot as
 * `startBot` builds it (embedded PGlite in a temp dir, the demo policy) and the real Teams playground pointing
 * at it, with the committed .m365agentsplayground.yml (Alex asks; Megan and Adele approve).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnv } from '../../src/config';
import { demoEnv } from '../../src/demo';
import type { RunningEmulator } from '../../src/emulator';
import { startEmulator } from '../../src/emulator';
import { silentLogger } from '../../src/log';
import { type RunningBot, startBot } from '../../src/main';
import { Playground, type PlaygroundFrame } from '../fakes/playground';

/** Ids from the committed .m365agentsplayground.yml and config/demo.yaml. */
export const DEMO = {
  personalChat: 'a:restore-bot-personal',
  team: '19:restore-oncall@thread.tacv2',
  approvalsChannel: '19:restore-approvals@thread.tacv2',
  alex: 'user-id-0',
  megan: 'user-id-1',
} as const;

export interface Stack {
  emulator: RunningEmulator;
  bot: RunningBot;
  playground: Playground;
  close(): Promise<void>;
}

export async function startStack(options: { recordEvents?: boolean } = {}): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'restore-bot-e2e-'));
  const emulator = await startEmulator({ port: 0, preset: 'demo' });
  let bot: RunningBot | undefined;
  let playground: Playground | undefined;
  const close = async () => {
    await playground?.stop();
    await bot?.close();
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const env = demoEnv(readEnv({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' }), emulator.url);
    bot = await startBot(env, silentLogger);
    playground = await Playground.start({
      botEndpoint: `${bot.teams.url}/api/messages`,
      ...(options.recordEvents ? { recordEvents: true } : {}),
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { emulator, bot, playground, close };
}

/** The emulator's request log (SPEC section 6), oldest first. */
export async function emulatorRequests(emulator: RunningEmulator): Promise<{ method: string; path: string }[]> {
  const response = await fetch(`${emulator.url}/_emulator/requests`);
  return ((await response.json()) as { requests: { method: string; path: string }[] }).requests;
}

// ---- reading Adaptive Cards out of playground frames -------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: card JSON as the bot sent it
export type CardJson = Record<string, any>;

export function cardOf(frame: PlaygroundFrame): CardJson | undefined {
  const attachment = frame.message.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  );
  return attachment?.content as CardJson | undefined;
}

/** Every element and action of a card, depth first (body, containers, action sets, show-cards). */
export function nodesOf(card: CardJson): CardJson[] {
  const found: CardJson[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const node = value as CardJson;
      if (typeof node.type === 'string') found.push(node);
      for (const [key, child] of Object.entries(node)) if (key !== 'data') visit(child);
    }
  };
  visit(card);
  return found;
}

/** The words a person sees on the card: text blocks, facts, choice titles, button titles. */
export function visibleText(card: CardJson): string {
  return nodesOf(card)
    .flatMap((n) => {
      if (n.type === 'TextBlock') return [n.text];
      if (n.type === 'FactSet') return n.facts.map((f: { title: string; value: string }) => `${f.title}: ${f.value}`);
      if (n.type === 'Input.ChoiceSet') return n.choices.map((c: { title: string }) => c.title);
      if (typeof n.type === 'string' && n.type.startsWith('Action.')) return [n.title];
      return [];
    })
    .join('\n');
}

export function choiceSet(card: CardJson, id: string): { id: string; choices: { title: string; value: string }[] } {
  const set = nodesOf(card).find((n) => n.type === 'Input.ChoiceSet' && n.id === id);
  if (!set) throw new Error(`the card has no choice list "${id}":\n${visibleText(card)}`);
  return set as { id: string; choices: { title: string; value: string }[] };
}

export function submitAction(card: CardJson, actionId: string): { title: string; data: Record<string, string> } {
  const action = nodesOf(card).find((n) => n.type === 'Action.Submit' && n.data?.action === actionId);
  if (!action) throw new Error(`the card has no "${actionId}" button:\n${visibleText(card)}`);
  return action as { title: string; data: Record<string, string> };
}

export function executeActions(card: CardJson): { title: string; verb: string; data: Record<string, string> }[] {
  return nodesOf(card).filter((n) => n.type === 'Action.Execute') as {
    title: string;
    verb: string;
    data: Record<string, string>;
  }[];
}
