/**
 * Every shape of view the conversation can send, including the worst cases, renders to a card Teams accepts:
 * Adaptive Cards 1.5, valid for the SDK and for our stricter checks, under the message size limit.
 */

import { TEAMS_LIMITS } from '../../../src/bot/teams/limits';
import { cardBytes, renderView } from '../../../src/bot/teams/render';
import { escapeMarkdown } from '../../../src/bot/teams/text';
import type { ChoiceOption, Fact, View } from '../../../src/dialogs/views';
import { assertValidCard, validateCard } from './card-validator';
import type { Json } from './harness';

const long = (n: number, seed = 'pg-flex-') => (seed + 'x'.repeat(n)).slice(0, n);
const points = (n: number): ChoiceOption[] =>
  Array.from({ length: n }, (_, i) => ({
    value: `rp-${i}`,
    label: `2026-11-${String(20 - (i % 20)).padStart(2, '0')} 14:00 UTC (${i + 1} hours ago)`,
  }));
const allTexts = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'TextBlock') out.push(o.text as string);
      if (o.type === 'FactSet')
        for (const f of o.facts as { title: string; value: string }[]) out.push(f.title, f.value);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};
const findAll = (card: unknown, type: string): Json[] => {
  const out: Json[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if ((node as { type?: string }).type === type) out.push(node);
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return out;
};

describe('worst cases still give a valid 1.5 card under the size limit', () => {
  const cases: [string, View][] = [
    [
      '100 vaults with 100-character names and descriptions',
      {
        kind: 'step',
        title: 'Pick a vault',
        subtitle: 'Step 1 of 6',
        choices: {
          id: 'vault',
          label: 'Vault',
          options: Array.from({ length: 100 }, (_, i) => ({
            value: `v${i}`,
            label: long(100, `bv-${i}-`),
            description: `westeurope · GeoRedundant · CRR Enabled · immutability Locked`,
          })),
        },
        actions: [{ id: 'next', label: 'Continue', style: 'primary', data: {}, requires: ['vault'] }],
      },
    ],
    [
      '12 recovery points on a page with next/previous',
      {
        kind: 'step',
        title: 'Pick a recovery point',
        choices: {
          id: 'point',
          label: 'Recovery point',
          options: points(12),
          page: { index: 1, size: 12, hasPrevious: true, hasNext: true },
        },
        inputs: [{ id: 'at', label: 'Or type a time', placeholder: 'yesterday 18:00' }],
        actions: [
          { id: 'prev', label: 'Newer', data: { page: '0' } },
          { id: 'next-page', label: 'Older', data: { page: '2' } },
          { id: 'pick', label: 'Continue', style: 'primary', data: {}, requires: ['point'] },
        ],
      },
    ],
    [
      '10,000 recovery points handed over at once',
      {
        kind: 'step',
        title: 'Pick a recovery point',
        choices: { id: 'point', label: 'Recovery point', options: points(10_000) },
      },
    ],
    [
      'a long error message',
      {
        kind: 'error',
        title: 'Validation failed',
        error: { code: 'AZURE_VALIDATION_FAILED', message: long(10_000, 'UserErrorRestoreTargetNotReachable: ') },
      },
    ],
    [
      '10 facts with 100-character values and 100-character names',
      {
        kind: 'approval',
        title: `Restore ${long(100)} to ${long(100, 'dr-')}`,
        facts: Array.from({ length: 10 }, (_, i): Fact => ({ label: `Fact ${i}`, value: long(100, `value-${i}-`) })),
        warnings: ['Immutability is Disabled on this vault', 'Soft delete is Off'],
        inputs: [{ id: 'reason', label: 'Reason for rejecting', multiline: true }],
        actions: [
          {
            id: 'approve',
            label: 'Approve',
            mode: 'execute',
            style: 'primary',
            data: { requestId: 'r-1', nonce: 'n' },
          },
          {
            id: 'reject',
            label: 'Reject',
            mode: 'execute',
            style: 'danger',
            data: { requestId: 'r-1', nonce: 'n' },
            requires: ['reason'],
          },
        ],
        footer: 'Expires 2026-11-20 15:00 UTC (in 60 minutes)',
      },
    ],
    [
      'a jobs list with 60 rows',
      {
        kind: 'list',
        title: 'Restore jobs',
        rows: Array.from({ length: 60 }, (_, i) => ({
          title: `job-${i} · ${long(100)}`,
          facts: [
            { label: 'Status', value: i % 2 ? 'Completed' : 'Failed' },
            { label: 'Duration', value: '12 min' },
          ],
          actions: [{ id: 'status', label: 'Details', data: { job: `job-${i}` } }],
        })),
      },
    ],
    ['a bare notice', { kind: 'notice', title: 'Cancelled' }],
  ];

  test.each(cases)('%s', (_name, view) => {
    const card = renderView(view);
    assertValidCard(card);
    expect(card.version).toBe('1.5');
    expect(cardBytes(card)).toBeLessThanOrEqual(TEAMS_LIMITS.cardMaxBytes);
  });

  test('a list that is too long says how many entries are not shown', () => {
    const card = renderView({
      kind: 'step',
      title: 'Pick',
      choices: { id: 'p', label: 'Point', options: points(10_000) },
    });
    const choiceSet = findAll(card, 'Input.ChoiceSet')[0];
    expect(choiceSet.choices.length).toBeLessThanOrEqual(TEAMS_LIMITS.choiceSetMaxOptions);
    expect(allTexts(card).some((t) => /\d+ more not shown/.test(t))).toBe(true);
  });

  test('a long error keeps its code and is cut with an ellipsis', () => {
    const card = renderView({
      kind: 'error',
      title: 'Failed',
      error: { code: 'AZURE_THROTTLED', message: long(10_000) },
    });
    const texts = allTexts(card);
    expect(texts).toContain('Error code: AZURE\\_THROTTLED');
    expect(texts.some((t) => t.endsWith('…') && t.length <= TEAMS_LIMITS.textBlockMaxChars + 10)).toBe(true);
  });
});

describe('what people see', () => {
  test('user-provided names cannot become links or formatting', () => {
    const evil = '[Approve here](https://evil.example) **now**';
    const card = renderView({
      kind: 'approval',
      title: evil,
      text: [evil],
      facts: [{ label: 'Server', value: evil }],
      warnings: [evil],
    });
    for (const text of allTexts(card).filter((t) => t.includes('evil'))) {
      expect(text).not.toMatch(/(^|[^\\])\[[^\]]*[^\\]\]\(/);
      expect(text).not.toMatch(/(^|[^\\])\*\*/);
    }
  });

  test('escaping keeps the words: only Markdown punctuation gets a backslash', () => {
    expect(escapeMarkdown('pg_prod [eu] (1) *x*')).toBe('pg\\_prod \\[eu\\] \\(1\\) \\*x\\*');
    expect(escapeMarkdown('- not a list\n1. nor this')).toBe('\\- not a list\n1\\. nor this');
  });

  test('choice titles are plain text in Teams, so they are not escaped', () => {
    const card = renderView({
      kind: 'step',
      title: 'Pick',
      choices: {
        id: 'server',
        label: 'Server',
        options: [{ value: 's1', label: 'pg_prod_[eu]', description: 'westeurope' }],
      },
    });
    expect(findAll(card, 'Input.ChoiceSet')[0].choices).toEqual([{ title: 'pg_prod_[eu] — westeurope', value: 's1' }]);
  });

  test('a choice that cannot be picked is shown apart with its reason', () => {
    const card = renderView({
      kind: 'step',
      title: 'Where to restore',
      choices: {
        id: 'region',
        label: 'Region',
        options: [
          { value: 'primary', label: 'Primary region (westeurope)' },
          {
            value: 'secondary',
            label: 'Secondary region (northeurope)',
            disabled: true,
            description: 'Cross Region Restore is Disabled',
          },
        ],
      },
    });
    assertValidCard(card);
    expect(findAll(card, 'Input.ChoiceSet')[0].choices.map((c: Json) => c.value)).toEqual(['primary']);
    expect(allTexts(card)).toContain(
      'Not available: Secondary region \\(northeurope\\) — Cross Region Restore is Disabled',
    );
  });

  test('an automatically answered step says so, with the reason', () => {
    const card = renderView({
      kind: 'step',
      title: 'Restore',
      auto: { answer: 'Primary region', reason: 'Cross Region Restore is Disabled on this vault' },
    });
    expect(allTexts(card)).toContain(
      'Answered for you: Primary region — Cross Region Restore is Disabled on this vault',
    );
  });

  test('submit buttons carry the action id with their data; required inputs are marked for Teams to check', () => {
    const card = renderView({
      kind: 'step',
      title: 'Target',
      inputs: [{ id: 'name', label: 'Target name', required: true }],
      actions: [{ id: 'pick', label: 'Continue', data: { step: 'target' } }],
    });
    expect(card.actions).toEqual([
      { type: 'Action.Submit', title: 'Continue', data: { step: 'target', action: 'pick' } },
    ]);
    expect(findAll(card, 'Input.Text')[0]).toMatchObject({
      id: 'name',
      label: 'Target name',
      isRequired: true,
      errorMessage: 'Target name is required',
    });
  });

  test('beyond five buttons the rest continue in the body, none lost', () => {
    const actions = Array.from({ length: 7 }, (_, i) => ({ id: `a${i}`, label: `Action ${i}`, data: {} }));
    const card = renderView({ kind: 'list', title: 'Vaults', actions, footer: 'small print' });
    assertValidCard(card);
    expect(card.actions!.map((a) => a.title)).toEqual(['Action 0', 'Action 1', 'Action 2', 'Action 3', 'Action 4']);
    expect(findAll(card.body, 'ActionSet')[0].actions.map((a: Json) => a.title)).toEqual(['Action 5', 'Action 6']);
    expect(card.body.at(-1)).toMatchObject({ type: 'TextBlock', text: 'small print' });
  });

  test('the footer is small print', () => {
    const card = renderView({ kind: 'step', title: 'x', footer: 'Times are UTC (your time zone: Europe/Berlin)' });
    expect(card.body.at(-1)).toMatchObject({ type: 'TextBlock', size: 'small', isSubtle: true });
  });
});

describe('the card validator itself', () => {
  test('reports what the SDK misses: no text, no verb, version above 1.5, non-string facts, duplicate input ids', () => {
    const problems = validateCard({
      type: 'AdaptiveCard',
      version: '1.6',
      body: [
        { type: 'TextBlock' },
        { type: 'FactSet', facts: [{ title: 'Count', value: 3 }] },
        { type: 'Input.Text', id: 'a', label: 'A' },
        { type: 'Input.Text', id: 'a', label: 'A again' },
      ],
      actions: [{ type: 'Action.Execute', title: 'Approve' }],
    }).map((p) => p.message);
    expect(problems).toEqual(
      expect.arrayContaining([
        "version 1.6 is above Teams' 1.5",
        'TextBlock without text',
        'fact title and value must be strings',
        'duplicate input id "a" (also at /body/2)',
        'Action.Execute without verb',
      ]),
    );
  });

  test('reports what the SDK finds: unknown elements', () => {
    const problems = validateCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'FancyBlock' }] });
    expect(problems.some((p) => p.source === 'sdk' && p.message.includes('FancyBlock'))).toBe(true);
  });
});
