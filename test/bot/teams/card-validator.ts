/**
 * Validates a card the way Teams would meet it: the Adaptive Cards SDK parses and validates it for schema
 * 1.5 (Teams' ceiling), and our own walk catches what the SDK lets through (it ignores a TextBlock without
 * text, an Action.Execute without verb, a card declaring 1.6, FactSet values that are not strings).
 */
import { TEAMS_LIMITS } from '../../../src/bot/teams/limits';

// The package's `lib/` is ESM that Node cannot load; the UMD bundle works without a DOM for parse/validate.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

export interface CardProblem {
  source: 'sdk' | 'ours';
  message: string;
  path?: string;
}

export function validateCard(card: unknown): CardProblem[] {
  return [...sdkProblems(card), ...ourProblems(card)];
}

/** Throws with every problem listed; for tests that just need "valid". */
export function assertValidCard(card: unknown): void {
  const problems = validateCard(card);
  if (problems.length) {
    throw new Error(`invalid card:\n${problems.map((p) => `  [${p.source}] ${p.path ?? ''} ${p.message}`).join('\n')}`);
  }
}

function sdkProblems(card: unknown): CardProblem[] {
  const problems: CardProblem[] = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push({ source: 'sdk', message: `${AC.ValidationEvent[e.event]}: ${e.message}` });
  }
  for (const e of parsed.validateProperties().validationEvents) {
    problems.push({ source: 'sdk', message: `${AC.ValidationEvent[e.event]}: ${e.message}` });
  }
  return problems;
}

type Json = Record<string, unknown>;

function ourProblems(card: unknown): CardProblem[] {
  const problems: CardProblem[] = [];
  const add = (path: string, message: string) => problems.push({ source: 'ours', path, message });
  if (!isObject(card) || card.type !== 'AdaptiveCard') {
    add('', 'root must be an AdaptiveCard');
    return problems;
  }
  const version = typeof card.version === 'string' ? card.version : '';
  if (!/^\d+\.\d+$/.test(version)) add('/version', `missing or malformed version "${version}"`);
  else if (compareVersions(version, TEAMS_LIMITS.cardVersion) > 0)
    add('/version', `version ${version} is above Teams' ${TEAMS_LIMITS.cardVersion}`);
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes > TEAMS_LIMITS.cardMaxBytes) add('', `card is ${bytes} bytes, over ${TEAMS_LIMITS.cardMaxBytes}`);

  const inputIds = new Map<string, string>();
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, `${path}/${i}`);
      return;
    }
    if (!isObject(node)) return;
    switch (node.type) {
      case 'TextBlock':
        if (typeof node.text !== 'string' || node.text.trim() === '') add(path, 'TextBlock without text');
        break;
      case 'Action.Execute':
        if (typeof node.verb !== 'string' || node.verb === '') add(path, 'Action.Execute without verb');
        break;
      case 'Action.Submit':
        if (node.data !== undefined && !isObject(node.data)) add(path, 'Action.Submit data must be an object');
        break;
      case 'FactSet':
        for (const [i, fact] of (Array.isArray(node.facts) ? node.facts : []).entries()) {
          if (!isObject(fact) || typeof fact.title !== 'string' || typeof fact.value !== 'string') {
            add(`${path}/facts/${i}`, 'fact title and value must be strings');
          }
        }
        break;
      case 'Input.Toggle':
        if (typeof node.title !== 'string' || node.title === '') add(path, 'Input.Toggle without title');
        break;
    }
    if (typeof node.type === 'string' && node.type.startsWith('Input.')) {
      const id = typeof node.id === 'string' ? node.id : '';
      if (!id) add(path, `${node.type} without id`);
      else if (inputIds.has(id)) add(path, `duplicate input id "${id}" (also at ${inputIds.get(id)})`);
      else inputIds.set(id, path);
      if (typeof node.label !== 'string' || node.label === '') add(path, `${node.type} without label`);
      if (node.isRequired === true && (typeof node.errorMessage !== 'string' || node.errorMessage === '')) {
        add(path, `required ${node.type} without errorMessage`);
      }
    }
    for (const [key, value] of Object.entries(node)) if (typeof value === 'object') walk(value, `${path}/${key}`);
  };
  walk(card.body, '/body');
  walk(card.actions, '/actions');
  return problems;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number) as [number, number];
  const [bm, bn] = b.split('.').map(Number) as [number, number];
  return am - bm || an - bn;
}
