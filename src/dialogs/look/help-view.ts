import type { View } from '../views';

const COMMANDS: [string, string][] = [
  ['restore', 'start the restore wizard: vault → region → server → recovery point → target → review'],
  ['restore <server> [--secondary] [--at <time>|--latest] [--target <name>]', 'the wizard, pre-filled'],
  ['jobs [--secondary] [vault]', 'recent restore jobs, newest first'],
  ['status <request-id|job-id>', 'a request and its restore job'],
  [
    'vaults [name]',
    'vault posture: redundancy, Cross Region Restore, immutability, soft delete; buttons to ask for a setting change',
  ],
  ['cancel', 'end the restore wizard'],
  ['help', 'this list'],
];

/** The command list; `problem` (an unknown word, with "did you mean") comes first when there is one. */
export function helpView(problem?: { code: string; message: string }): View {
  return {
    kind: problem ? 'error' : 'notice',
    title: 'restore-bot commands',
    ...(problem ? { error: problem } : {}),
    facts: COMMANDS.map(([command, what]) => ({ label: command, value: what })),
    footer:
      'With or without a leading /restore, e.g. "/restore jobs" or "jobs". Times are UTC unless your chat tells the bot your time zone.',
  };
}
