import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { botError } from '../messages';
import { closestMatch } from '../suggest';
import { type ChannelRules, Policy } from './policy';
import { type PolicyFile, PolicyFileSchema, SECTION_KEYS } from './schema';

const DEFAULT_REQUIRED_APPROVALS = 1;
const DEFAULT_EXPIRES_AFTER_MINUTES = 60;

/** Reads and validates the policy file; any problem is a BotError `POLICY_INVALID` (the CLI exits 2). */
export async function loadPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw botError('POLICY_INVALID', { source: path, issues: [`cannot read the file: ${reason}`] }, { cause: error });
  }
  return parsePolicy(text, path);
}

/** Parses policy text: JSON when the source ends in .json or the text starts with "{", YAML otherwise. */
export function parsePolicy(text: string, source = 'policy'): Policy {
  const data = parseDocument(text, source);
  return policyFromData(data, source);
}

/** Validates already-parsed data (e.g. a policy embedded in tests or another config). */
export function policyFromData(data: unknown, source = 'policy'): Policy {
  const parsed = PolicyFileSchema.safeParse(data, { reportInput: true, error: describeIssue });
  if (!parsed.success) {
    throw botError('POLICY_INVALID', { source, issues: parsed.error.issues.flatMap(formatIssue) });
  }
  return new Policy(toConfig(parsed.data), source);
}

function parseDocument(text: string, source: string): unknown {
  if (text.trim() === '') throw botError('POLICY_INVALID', { source, issues: ['the file is empty'] });
  const asJson = extname(source).toLowerCase() === '.json' || text.trimStart().startsWith('{');
  try {
    if (asJson) JSON.parse(text); // for JSON's own syntax messages
    // Read through YAML in both cases: JSON.parse silently keeps the last of two duplicate keys.
    return parseYaml(text, { uniqueKeys: true, ...(asJson ? { schema: 'json' as const } : {}) });
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0]!.replace(/:$/, '');
    throw botError(
      'POLICY_INVALID',
      { source, issues: [`not valid ${asJson ? 'JSON' : 'YAML'}: ${detail}`] },
      { cause: error },
    );
  }
}

function toConfig(file: PolicyFile) {
  return {
    subscriptions: file.subscriptions ?? null,
    restoreTargets: file.restoreTargets.map((t) => ({ ...t, containerUrl: t.containerUrl.replace(/\/+$/, '') })),
    requiredApprovals: file.approval?.requiredApprovals ?? DEFAULT_REQUIRED_APPROVALS,
    expiresAfterMinutes: file.approval?.expiresAfterMinutes ?? DEFAULT_EXPIRES_AFTER_MINUTES,
    slack: file.slack ? rules(file.slack.workspaces, file.slack) : null,
    teams: file.teams ? rules(file.teams.tenants, file.teams) : null,
  };
}

function rules(
  workspacesOrTenants: string[] | undefined,
  section: { channels?: string[]; requesters: string[]; approvers: string[]; approvalChannel?: string },
): ChannelRules {
  return {
    workspacesOrTenants: workspacesOrTenants ?? [],
    channels: section.channels ?? [],
    requesters: section.requesters,
    approvers: section.approvers,
    approvalChannel: section.approvalChannel ? section.approvalChannel : null,
  };
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping of keys',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

/** Messages for the issues the schema does not word itself (mostly wrong types). */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${describeValue(issue.input)})`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

function formatIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const known = SECTION_KEYS[String(issue.path.find((p) => typeof p === 'string') ?? '')] ?? [];
    return issue.keys.map((key) => {
      const suggestion = closestMatch(key, known);
      return `${formatPath([...issue.path, key])}: unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    });
  }
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

/** `['restoreTargets', 1, 'containerUrl']` → `restoreTargets[1].containerUrl`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}
