import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotError } from '../../src/errors';
import { loadPolicyFile, parsePolicy } from '../../src/restore';

const TARGETS = `
restoreTargets:
  - name: dr-eastus
    region: eastus
    containerUrl: https://stcontosodreus.blob.core.windows.net/pg-restores
  - name: dr-westus
    region: westus
    containerUrl: https://stcontosodrwus.blob.core.windows.net/pg-restores
`;

function issuesOf(text: string, source = 'policy.yaml'): string[] {
  try {
    parsePolicy(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('POLICY_INVALID');
    return (error as BotError).details.issues as string[];
  }
  throw new Error('expected the policy to be refused');
}

describe('policy file: valid files', () => {
  it('the shipped demo policy loads with the demo values', async () => {
    const policy = await loadPolicyFile(join(__dirname, '../../config/demo.yaml'));
    expect(policy.config.subscriptions).toEqual(['11111111-1111-1111-1111-111111111111']);
    expect(policy.targetsIn('eastus').map((t) => t.name)).toEqual(['dr-eastus']);
    expect(policy.targetsIn('westus').map((t) => t.containerUrl)).toEqual([
      'https://stcontosodrwus.blob.core.windows.net/pg-restores',
    ]);
    expect(policy.config.slack).toMatchObject({
      workspacesOrTenants: ['T0DEMO'],
      channels: ['C0ONCALL'],
      approvers: ['U0APPROVER', 'S0DBAS'],
    });
    expect(policy.config.teams?.workspacesOrTenants).toEqual(['00000000-0000-0000-0000-0000000000001']);
    expect(policy.requiredApprovals).toBe(1);
  });

  it('fills the defaults: every subscription, 1 approval, 60 minutes, channels closed when not configured', () => {
    const policy = parsePolicy(TARGETS);
    expect(policy.config.subscriptions).toBeNull();
    expect(policy.isSubscriptionInScope('22222222-2222-2222-2222-222222222222')).toBe(true);
    expect(policy.requiredApprovals).toBe(1);
    expect(policy.expiresAt(new Date('2026-11-24T12:00:00Z'))).toBe('2026-11-24T13:00:00.000Z');
    expect(policy.config.slack).toBeNull();
    expect(policy.config.teams).toBeNull();
  });

  it('ignores unknown top-level keys (the file may grow)', () => {
    expect(() => parsePolicy(`${TARGETS}\nnotifications:\n  email: ops@contoso.example\n`)).not.toThrow();
  });

  it('reads JSON by extension or content', () => {
    const json = JSON.stringify({
      restoreTargets: [
        { name: 'dr-westus', region: 'westus', containerUrl: 'https://a.blob.core.windows.net/restores' },
      ],
      approval: { requiredApprovals: 2 },
    });
    expect(parsePolicy(json, 'policy.json').requiredApprovals).toBe(2);
    expect(parsePolicy(json, 'policy.conf').requiredApprovals).toBe(2);
  });
});

describe('policy file: each malformed file names the key path and the problem', () => {
  it.each([
    [
      'a target URL that is not https',
      TARGETS.replace('https://stcontosodrwus', 'http://stcontosodrwus'),
      ['restoreTargets[1].containerUrl: must be an https URL'],
    ],
    [
      'a target URL that is not a URL',
      TARGETS.replace('https://stcontosodrwus.blob.core.windows.net/pg-restores', 'stcontosodrwus/pg-restores'),
      ['restoreTargets[1].containerUrl: must be an https URL'],
    ],
    [
      'a target URL with a SAS token',
      TARGETS.replace('/pg-restores\n  - name: dr-westus', '/pg-restores?sv=2024&sig=abc\n  - name: dr-westus'),
      ['restoreTargets[0].containerUrl: must not carry a query string or SAS token (the bot uses its own identity)'],
    ],
    [
      'a target URL without a container',
      TARGETS.replace('stcontosodreus.blob.core.windows.net/pg-restores', 'stcontosodreus.blob.core.windows.net/'),
      [
        'restoreTargets[0].containerUrl: must name exactly one blob container, like https://<account>.blob.core.windows.net/<container>',
      ],
    ],
    [
      'a duplicate target name',
      `${TARGETS}  - name: dr-westus\n    region: westus2\n    containerUrl: https://other.blob.core.windows.net/x-restores\n`,
      ['restoreTargets[2].name: duplicate name "dr-westus"'],
    ],
    [
      'a duplicate target name in another case',
      `${TARGETS}  - name: DR-EASTUS\n    region: eastus\n    containerUrl: https://other.blob.core.windows.net/x-restores\n`,
      ['restoreTargets[2].name: duplicate name "DR-EASTUS"'],
    ],
    [
      'a misspelt region',
      TARGETS.replace('region: eastus', 'region: eastuss'),
      ['restoreTargets[0].region: unknown Azure region "eastuss" (did you mean "eastus"?)'],
    ],
    [
      'a misspelt region close to several',
      TARGETS.replace('region: westus', 'region: westuss'),
      ['restoreTargets[1].region: unknown Azure region "westuss" (did you mean "westus"?)'],
    ],
    [
      'a region written as a display name',
      TARGETS.replace('region: westus', 'region: West US'),
      ['restoreTargets[1].region: unknown Azure region "West US" (did you mean "westus"?)'],
    ],
    [
      'a region that does not exist at all',
      TARGETS.replace('region: westus', 'region: marsnorth'),
      ['restoreTargets[1].region: unknown Azure region "marsnorth"'],
    ],
    [
      'requiredApprovals 0',
      `${TARGETS}approval:\n  requiredApprovals: 0\n`,
      ['approval.requiredApprovals: must be an integer >= 1'],
    ],
    [
      'requiredApprovals 1.5',
      `${TARGETS}approval:\n  requiredApprovals: 1.5\n`,
      ['approval.requiredApprovals: must be an integer >= 1'],
    ],
    [
      'requiredApprovals as words',
      `${TARGETS}approval:\n  requiredApprovals: two\n`,
      ['approval.requiredApprovals: must be an integer >= 1'],
    ],
    [
      'an expiry of zero minutes',
      `${TARGETS}approval:\n  expiresAfterMinutes: 0\n`,
      ['approval.expiresAfterMinutes: must be an integer number of minutes between 1 and 10080 (7 days)'],
    ],
    ['restoreTargets as a string', 'restoreTargets: dr-westus\n', ['restoreTargets: must be a list (got "dr-westus")']],
    ['no restoreTargets', 'approval:\n  requiredApprovals: 1\n', ['restoreTargets: is required']],
    [
      'an empty restoreTargets',
      'restoreTargets: []\n',
      ['restoreTargets: must list at least one container: restores need somewhere to go'],
    ],
    [
      'a target without a URL',
      'restoreTargets:\n  - name: dr-westus\n    region: westus\n',
      ['restoreTargets[0].containerUrl: is required'],
    ],
    [
      'subscriptions that are not GUIDs',
      `subscriptions: ["Contoso Production"]\n${TARGETS}`,
      ['subscriptions[0]: must be a subscription id (a GUID)'],
    ],
    [
      'a misspelt key inside a section',
      `${TARGETS}approval:\n  requiredApproval: 2\n`,
      ['approval.requiredApproval: unknown key (did you mean "requiredApprovals"?)'],
    ],
    [
      'slack channels as a string',
      `${TARGETS}slack:\n  channels: C0ONCALL\n  requesters: ["*"]\n  approvers: [U0APPROVER]\n`,
      ['slack.channels: must be a list (got "C0ONCALL")'],
    ],
    [
      'a Slack approver that is not a user or group id',
      `${TARGETS}slack:\n  requesters: ["*"]\n  approvers: [U0APPROVER, "@dana"]\n`,
      ['slack.approvers[1]: "@dana" is not a Slack user id (U…/W…) or user group id (S…)'],
    ],
    [
      'anyone as approver',
      `${TARGETS}teams:\n  requesters: ["*"]\n  approvers: ["*"]\n`,
      ['teams.approvers[0]: "*" is not allowed among approvers; name the people or groups who may approve'],
    ],
    [
      'a section without approvers',
      `${TARGETS}teams:\n  requesters: ["*"]\n  approvers: []\n`,
      ['teams.approvers: must name at least one approver, or nothing could ever be approved'],
    ],
    [
      'a Teams channel id without the 19: prefix',
      `${TARGETS}teams:\n  channels: ["general"]\n  requesters: ["*"]\n  approvers: [user-id-1]\n`,
      ['teams.channels[0]: must be a Teams channel id (19:…)'],
    ],
    [
      'a section with requesters missing',
      `${TARGETS}slack:\n  approvers: [U0APPROVER]\n`,
      ['slack.requesters: is required'],
    ],
    ['a list instead of a mapping', '- restoreTargets\n', ['(top level): must be a mapping of keys (got a list)']],
  ])('%s', (_, text, expected) => {
    expect(issuesOf(text)).toEqual(expected);
  });

  it('reports every problem at once, in a message that names the file', () => {
    const text = TARGETS.replace('region: eastus', 'region: eastuss').replace(
      'https://stcontosodrwus',
      'http://stcontosodrwus',
    );
    let error: BotError | undefined;
    try {
      parsePolicy(`${text}approval:\n  requiredApprovals: 0\n`, 'config/prod.yaml');
    } catch (e) {
      error = e as BotError;
    }
    expect(error?.message).toBe(
      [
        'The policy file config/prod.yaml is invalid:',
        '  restoreTargets[0].region: unknown Azure region "eastuss" (did you mean "eastus"?)',
        '  restoreTargets[1].containerUrl: must be an https URL',
        '  approval.requiredApprovals: must be an integer >= 1',
      ].join('\n'),
    );
  });

  it('syntax errors, duplicate keys and empty files are POLICY_INVALID too', () => {
    expect(issuesOf('restoreTargets: [\n', 'p.yaml')[0]).toMatch(/^not valid YAML: .* at line 2, column 1$/);
    expect(issuesOf('{"restoreTargets": [}', 'p.json')[0]).toMatch(/^not valid JSON: Unexpected token/);
    expect(issuesOf(`${TARGETS}approval: {}\napproval: {}\n`)).toEqual([
      'not valid YAML: Map keys must be unique at line 10, column 1',
    ]);
    expect(issuesOf('{"restoreTargets": [], "restoreTargets": []}', 'p.json')[0]).toMatch(
      /^not valid JSON: Map keys must be unique/,
    );
    expect(issuesOf('  \n')).toEqual(['the file is empty']);
  });

  it('a missing file is POLICY_INVALID naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-'));
    await expect(loadPolicyFile(join(dir, 'nope.yaml'))).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: `The policy file ${join(dir, 'nope.yaml')} is invalid:\n  cannot read the file: file not found`,
    });
    const good = join(dir, 'ok.yml');
    await writeFile(good, TARGETS);
    expect((await loadPolicyFile(good)).source).toBe(good);
  });
});
