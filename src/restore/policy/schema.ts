import { z } from 'zod';
import { AZURE_REGIONS, isKnownRegion, normalizeRegion } from '../../azure/regions';
import { closestMatch } from '../suggest';

/**
 * The policy file of SPEC section 4 as a zod schema. Unknown top-level keys are ignored (the SPEC lets the
 * file grow), but inside the known sections every key is checked: a misspelt `requiredApproval` silently
 * falling back to the default would weaken the approval rule without anyone noticing.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
// Blob container names: 3–63 lowercase letters, digits and single hyphens, starting and ending alphanumeric.
const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const SLACK_TEAM = /^[TE][A-Z0-9]{2,}$/;
const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,}$/;
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_GROUP = /^S[A-Z0-9]{2,}$/;
const TEAMS_CHANNEL = /^19:\S+$/;

const nonEmpty = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `must be a non-empty ${what}` });

const region = z.string().superRefine((value, ctx) => {
  if (!isKnownRegion(value)) ctx.addIssue({ code: 'custom', message: unknownRegionMessage(value) });
});

export function unknownRegionMessage(value: string): string {
  const canonical = normalizeRegion(value);
  const suggestion = isKnownRegion(canonical) ? canonical : closestMatch(canonical, AZURE_REGIONS, 2);
  return `unknown Azure region "${value}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
}

const containerUrl = z.string().superRefine((value, ctx) => {
  const problem = containerUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function containerUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (url.username || url.password) return 'must not contain credentials';
  // A SAS token is a secret and would be logged and shown on cards; the bot writes with its own identity.
  if (url.search || url.hash) return 'must not carry a query string or SAS token (the bot uses its own identity)';
  const segments = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (segments.length !== 1)
    return 'must name exactly one blob container, like https://<account>.blob.core.windows.net/<container>';
  if (!CONTAINER_NAME.test(segments[0]!)) {
    return `"${segments[0]}" is not a valid blob container name (3–63 lowercase letters, digits and single hyphens)`;
  }
  return undefined;
}

const restoreTarget = z.strictObject({
  name: z.string().regex(TARGET_NAME, {
    error:
      'must be 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit (people type it in --target)',
  }),
  region,
  containerUrl,
});

const restoreTargets = z
  .array(restoreTarget)
  .min(1, { error: 'must list at least one container: restores need somewhere to go' })
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((target, index) => {
      const key = target.name.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate name "${target.name}"` });
      }
      seen.add(key);
    });
  });

const approval = z.strictObject({
  requiredApprovals: z
    .number({ error: 'must be an integer >= 1' })
    .int({ error: 'must be an integer >= 1' })
    .min(1, { error: 'must be an integer >= 1' })
    .optional(),
  expiresAfterMinutes: z
    .number({ error: 'must be an integer number of minutes between 1 and 10080 (7 days)' })
    .int({ error: 'must be an integer number of minutes between 1 and 10080 (7 days)' })
    .min(1, { error: 'must be an integer number of minutes between 1 and 10080 (7 days)' })
    // A request left open for longer is stale: the point it names may have left retention by then.
    .max(10080, { error: 'must be an integer number of minutes between 1 and 10080 (7 days)' })
    .optional(),
});

const NO_STAR_APPROVER = '"*" is not allowed among approvers; name the people or groups who may approve';

const slackPrincipal = z.string().superRefine((value, ctx) => {
  if (value === '*') ctx.addIssue({ code: 'custom', message: NO_STAR_APPROVER });
  else if (!SLACK_USER.test(value) && !SLACK_GROUP.test(value)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a Slack user id (U…/W…) or user group id (S…)` });
  }
});
const slackRequester = z.string().superRefine((value, ctx) => {
  if (value !== '*' && !SLACK_USER.test(value) && !SLACK_GROUP.test(value)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not "*", a Slack user id (U…/W…) or user group id (S…)` });
  }
});

const slack = z.strictObject({
  workspaces: z
    .array(z.string().regex(SLACK_TEAM, { error: 'must be a Slack team id (T…) or enterprise id (E…)' }))
    .optional(),
  channels: z.array(z.string().regex(SLACK_CHANNEL, { error: 'must be a Slack channel id (C… or G…)' })).optional(),
  requesters: z.array(slackRequester),
  approvers: z
    .array(slackPrincipal)
    .min(1, { error: 'must name at least one approver, or nothing could ever be approved' }),
  approvalChannel: z
    .string()
    .refine((v) => v === '' || SLACK_CHANNEL.test(v), { error: 'must be a Slack channel id (C… or G…) or ""' })
    .optional(),
});

const teamsApprover = z.string().superRefine((value, ctx) => {
  if (value === '*') ctx.addIssue({ code: 'custom', message: NO_STAR_APPROVER });
  else if (value.trim() === '') ctx.addIssue({ code: 'custom', message: 'must be a non-empty Entra object id' });
});

const teams = z.strictObject({
  tenants: z.array(nonEmpty('tenant id')).optional(),
  channels: z.array(z.string().regex(TEAMS_CHANNEL, { error: 'must be a Teams channel id (19:…)' })).optional(),
  requesters: z.array(nonEmpty('Entra object id or "*"')),
  approvers: z
    .array(teamsApprover)
    .min(1, { error: 'must name at least one approver, or nothing could ever be approved' }),
  approvalChannel: z
    .string()
    .refine((v) => v === '' || TEAMS_CHANNEL.test(v), { error: 'must be a Teams channel id (19:…) or ""' })
    .optional(),
});

export const PolicyFileSchema = z.object({
  subscriptions: z.array(z.string().regex(GUID, { error: 'must be a subscription id (a GUID)' })).optional(),
  restoreTargets,
  approval: approval.optional(),
  slack: slack.optional(),
  teams: teams.optional(),
});

export type PolicyFile = z.infer<typeof PolicyFileSchema>;

/** Known keys per section, for "did you mean" on unknown ones. */
export const SECTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  approval: Object.keys(approval.shape),
  slack: Object.keys(slack.shape),
  teams: Object.keys(teams.shape),
  restoreTargets: Object.keys(restoreTarget.shape),
};
