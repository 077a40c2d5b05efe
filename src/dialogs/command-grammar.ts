import { closestMatch } from '../restore/suggest';
import { say } from './messages';
import type { Prefill } from './wizard/state';

/**
 * The words people type (SPEC 2.4 and 2.6), with or without the leading `restore`: channels already removed
 * @mentions and one leading slash, so `/restore jobs`, `restore jobs` and `jobs` read the same.
 */
export type Command =
  | { kind: 'restore'; prefill: Prefill; shortcut: boolean }
  | { kind: 'jobs'; secondary: boolean; vault?: string }
  | { kind: 'status'; id?: string }
  | { kind: 'vaults'; name?: string }
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'invalid'; code: string; message: string }
  | { kind: 'unknown'; typed: string; suggestion?: string }
  | { kind: 'empty' };

export const SUBCOMMANDS = ['jobs', 'status', 'vaults', 'help', 'cancel'] as const;
const COMMAND_WORDS = ['restore', ...SUBCOMMANDS];
const SHORTCUT_OPTIONS = ['--secondary', '--primary', '--at', '--latest', '--target'];

/** Splits on spaces, keeping "quoted words" together (for `--at "2026-11-20 14:00"`). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) tokens.push(match[1] ?? match[2] ?? match[3]!);
  return tokens;
}

export function parseCommand(text: string): Command {
  const tokens = tokenize(text.trim().replace(/^\//, ''));
  if (tokens.length === 0) return { kind: 'empty' };
  const first = tokens[0]!.toLowerCase();
  if (first === 'restore') {
    const rest = tokens.slice(1);
    if (rest.length === 0) return { kind: 'restore', prefill: {}, shortcut: false };
    const sub = rest[0]!.toLowerCase();
    if ((SUBCOMMANDS as readonly string[]).includes(sub)) return parseSubcommand(sub, rest.slice(1));
    return parseShortcut(rest);
  }
  if ((SUBCOMMANDS as readonly string[]).includes(first)) return parseSubcommand(first, tokens.slice(1));
  return { kind: 'unknown', typed: tokens[0]!, suggestion: closestMatch(first, COMMAND_WORDS, 2) };
}

/** Is this text one of the bot's commands (as opposed to an answer typed into the wizard)? */
export function isCommand(command: Command): boolean {
  return command.kind !== 'unknown' && command.kind !== 'empty';
}

function parseSubcommand(sub: string, args: string[]): Command {
  switch (sub) {
    case 'jobs': {
      const secondary = args.some((a) => a.toLowerCase() === '--secondary');
      const others = args.filter((a) => a.toLowerCase() !== '--secondary');
      const option = others.find((a) => a.startsWith('--'));
      if (option) return unknownOption(option, ['--secondary']);
      return { kind: 'jobs', secondary, ...(others[0] ? { vault: others[0] } : {}) };
    }
    case 'status':
      return { kind: 'status', ...(args[0] ? { id: args[0] } : {}) };
    case 'vaults':
      return { kind: 'vaults', ...(args[0] ? { name: args[0] } : {}) };
    case 'cancel':
      return { kind: 'cancel' };
    default:
      return { kind: 'help' };
  }
}

/** `restore <server> [--secondary] [--at <time>|--latest] [--target <name>]`. */
function parseShortcut(args: string[]): Command {
  const prefill: Prefill = {};
  let i = 0;
  if (!args[0]!.startsWith('--')) {
    prefill.server = args[0]!;
    i = 1;
  }
  for (; i < args.length; i++) {
    const option = args[i]!.toLowerCase();
    switch (option) {
      case '--secondary':
        prefill.region = 'secondary';
        break;
      case '--primary':
        prefill.region = 'primary';
        break;
      case '--latest':
        prefill.latest = true;
        break;
      case '--at': {
        const words: string[] = [];
        while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) words.push(args[++i]!);
        if (words.length === 0)
          return {
            kind: 'invalid',
            code: 'OPTION_NEEDS_VALUE',
            message: say('OPTION_NEEDS_VALUE', { option: '--at' }),
          };
        prefill.at = words.join(' ');
        break;
      }
      case '--target': {
        const name = args[i + 1];
        if (!name || name.startsWith('--')) {
          return {
            kind: 'invalid',
            code: 'OPTION_NEEDS_VALUE',
            message: say('OPTION_NEEDS_VALUE', { option: '--target' }),
          };
        }
        prefill.target = name;
        i++;
        break;
      }
      default:
        return option.startsWith('--')
          ? unknownOption(args[i]!, SHORTCUT_OPTIONS)
          : {
              kind: 'invalid',
              code: 'UNEXPECTED_WORD',
              message: `Unexpected "${args[i]}": the shortcut is restore <server> [--secondary] [--at <time>|--latest] [--target <name>].`,
            };
    }
  }
  if (prefill.latest && prefill.at) {
    return { kind: 'invalid', code: 'OPTIONS_CONFLICT', message: 'Use --at <time> or --latest, not both.' };
  }
  // The shortcut names the region: primary unless --secondary.
  if (prefill.server && !prefill.region) prefill.region = 'primary';
  return { kind: 'restore', prefill, shortcut: true };
}

function unknownOption(option: string, known: string[]): Command {
  return {
    kind: 'invalid',
    code: 'UNKNOWN_OPTION',
    message: say('UNKNOWN_OPTION', { option, suggestion: closestMatch(option.toLowerCase(), known, 3) }),
  };
}
