import {
  assertValidMessage,
  assertValidModal,
  assertValidOptions,
  codePointLength,
} from '../../../src/bot/slack/block-kit-validator';
import { BLOCK_KIT_LIMITS as L } from '../../../src/bot/slack/limits';
import { askModal, renderMessage, renderModal, renderOptions } from '../../../src/bot/slack/render';
import { clipMiddle, mrkdwnText } from '../../../src/bot/slack/text';
import {
  parseButtonValue,
  parseDispatchBlockId,
  parseElementId,
  parseMetadata,
  readInputs,
} from '../../../src/bot/slack/wire';
import type { Action, ChoiceOption, View } from '../../../src/dialogs/views';
import { buttonLabels, headersOf, type Json, visibleText } from './slack-driver';

const GUID = '3f2a9c1e-7b44-4d0a-9a55-0c1d2e3f4a5b';
const LONG_NAME = `pg-${'very-long-server-name-'.repeat(10)}end`;
const VAULT_ID = `/subscriptions/${GUID}/resourceGroups/rg-${'x'.repeat(80)}/providers/Microsoft.DataProtection/backupVaults/bv-${'y'.repeat(50)}`;
const JOB_ID = `${VAULT_ID}/backupJobs/${GUID}`;

function points(count: number): ChoiceOption[] {
  const newest = Date.parse('2026-11-23T15:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const time = new Date(newest - i * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    return { value: `p:${GUID}-${String(i).padStart(6, '0')}`, label: `${time} UTC (${i} hours ago) · ${LONG_NAME}` };
  });
}

const step = (state: string, id: string, label: string, extra: Partial<Action> = {}): Action => ({
  id,
  label,
  data: { step: state },
  mode: 'submit',
  ...extra,
});

/** Everything a surface carries that a click sends back: action ids, block ids, button and option values. */
function wireValues(blocks: Json[]): string[] {
  const values: string[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const key of ['action_id', 'block_id', 'value']) if (typeof node[key] === 'string') values.push(node[key]);
    Object.values(node).forEach(walk);
  };
  walk(blocks);
  return values;
}

describe('worst-case views stay within Block Kit limits', () => {
  const pointStep: View = {
    kind: 'error',
    title: `Pick a recovery point for ${LONG_NAME} in ${VAULT_ID}`,
    subtitle: `Step 4 of 6 · ${LONG_NAME} · ${LONG_NAME}`,
    error: { code: 'TIME_UNREADABLE', message: `I could not read "${'x'.repeat(5_000)}" as a time.` },
    warnings: Array.from({ length: 12 }, (_, i) => `Warning ${i}: ${'immutability is Disabled; '.repeat(40)}`),
    text: Array.from({ length: 30 }, (_, i) => `Note ${i}: ${'newest first, in the vault. '.repeat(20)}`),
    facts: Array.from({ length: 23 }, (_, i) => ({
      label: `Fact ${i} ${'label '.repeat(30)}`,
      value: JOB_ID.repeat(12),
    })),
    choices: {
      id: 'point',
      label: 'Recovery point',
      options: points(5_000),
      page: { index: 3, size: 10, hasPrevious: true, hasNext: true },
    },
    inputs: [{ id: 'time', label: 'Jump to a time', placeholder: 'p'.repeat(400), maxLength: 60 }],
    actions: [
      step('point', 'choose', 'Next', { style: 'primary', requires: ['point'] }),
      step('point', 'newer', 'Newer points'),
      step('point', 'older', 'Older points'),
      step('point', 'time', 'Go to time', { requires: ['time'] }),
      step('point', 'back', 'Back'),
      step('point', 'cancel', 'Cancel', { style: 'danger' }),
    ],
    footer: `Times are UTC (your time zone: Europe/Berlin) ${'. '.repeat(600)}`,
  };

  test('a recovery point step with 5 000 points, long names and long ARM ids, as a modal', () => {
    const modal = renderModal([pointStep]);
    assertValidModal(modal);
    const blocks = modal.blocks as Json[];
    const list = blocks.find((b) => b.type === 'input' && b.element.type === 'external_select');
    expect(list.element.min_query_length).toBe(0);
    expect(list.dispatch_action).toBe(true);
    expect(modal.submit?.text).toBe('Next');
    expect(buttonLabels(blocks)).toEqual(['Newer points', 'Older points', 'Go to time', 'Back', 'Cancel']);
    // The header keeps its start and its end: what it is, and which one.
    const [header] = headersOf(blocks);
    expect(header!.startsWith('Pick a recovery point for pg-very-long')).toBe(true);
    expect(header!.endsWith(`bv-${'y'.repeat(50)}`)).toBe(true);
    for (const value of wireValues(blocks)) expect(value).not.toContain('/subscriptions/');
  });

  test('the same step as a channel message (the ephemeral wizard), and its options-load answer', () => {
    const message = renderMessage(pointStep);
    assertValidMessage(message);
    expect(message.blocks.length).toBeLessThanOrEqual(L.messageBlocks);
    const options = renderOptions(points(5_000));
    expect(options).toHaveLength(100);
    assertValidOptions({ options });
    // The time (what people pick by) survives the cut; the long name after it does not.
    for (const o of options) expect(o.text.text).toMatch(/^2026-\d\d-\d\d \d\d:00 UTC \(\d+ hours ago\)/);
  });

  test('a static list of 5 000 choices shows 100 and says how many more there are', () => {
    const view: View = {
      kind: 'step',
      title: 'Pick the PostgreSQL server',
      choices: { id: 'instance', label: 'Server', options: points(5_000) },
      actions: [step('instance', 'choose', 'Next', { style: 'primary', requires: ['instance'] })],
    };
    const modal = renderModal([view]);
    assertValidModal(modal);
    const select = (modal.blocks as Json[]).find((b) => b.type === 'input').element;
    expect(select.options).toHaveLength(100);
    expect(visibleText(modal.blocks as Json[])).toContain('4900 more not shown');
  });

  test('a list of 60 jobs with 10 long facts each fits a message and a modal, saying how many are left out', () => {
    const list: View = {
      kind: 'list',
      title: 'Restore jobs',
      rows: Array.from({ length: 60 }, (_, i) => ({
        title: `Job ${i} ${JOB_ID}`,
        facts: Array.from({ length: 12 }, (_, j) => ({ label: `F${j}`, value: JOB_ID })),
        warnings: ['w'.repeat(900)],
        actions: [{ id: 'status', label: 'Status', mode: 'submit', data: { id: `R-${i}` } }],
      })),
      actions: [{ id: 'jobs-page', label: 'Older jobs', mode: 'submit', data: { page: '1', secondary: 'false' } }],
    };
    const message = renderMessage(list);
    assertValidMessage(message);
    expect(visibleText(message.blocks as Json[])).toMatch(/\d+ more not shown/);
    expect(buttonLabels(message.blocks as Json[]).at(-1)).toBe('Older jobs');
    const modal = renderModal([list]);
    assertValidModal(modal);
    expect((modal.blocks as Json[]).length).toBeLessThanOrEqual(L.modalBlocks);
  });

  test('a turn that said many things becomes one modal: the oldest are left out, the question stays', () => {
    const notes: View[] = Array.from({ length: 40 }, (_, i) => ({
      kind: 'step',
      title: `Where to restore ${i}`,
      auto: { answer: 'Primary region (eastus)', reason: 'Cross Region Restore is Disabled on this vault' },
      choices: { id: 'region', label: 'Region', options: [{ value: 'primary', label: 'Primary region (eastus)' }] },
    }));
    const review: View = {
      kind: 'step',
      title: 'Review the restore',
      facts: [{ label: 'Server', value: 'pg-orders-prod' }],
      actions: [step('review', 'request', 'Request approval', { style: 'primary' }), step('review', 'back', 'Back')],
    };
    const modal = renderModal([...notes, review]);
    assertValidModal(modal);
    const blocks = modal.blocks as Json[];
    expect(headersOf(blocks).at(-1)).toBe('Review the restore');
    expect(visibleText(blocks)).toMatch(/\d+ earlier messages not shown/);
    expect(visibleText(blocks)).toContain('Answered for you: Primary region (eastus)');
    // Only the last view answers: earlier pick lists are listed, not offered.
    expect(blocks.filter((b) => b.type === 'input')).toEqual([]);
    expect(modal.submit?.text).toBe('Request approval');
    expect(buttonLabels(blocks)).toEqual(['Back']);
  });
});

describe('the approval request as a message', () => {
  const approval: View = {
    kind: 'approval',
    title: 'Restore approval: R-ABCD',
    subtitle: 'Needs 1 approval, never from the requester',
    facts: [
      { label: 'Request', value: 'R-ABCD' },
      { label: 'Server', value: '<!channel> *pg* <https://evil.example|Approve here>' },
    ],
    inputs: [{ id: 'reason', label: 'Reason for rejecting', placeholder: 'Seen by the requester', maxLength: 500 }],
    actions: [
      {
        id: 'approve',
        label: 'Approve',
        style: 'primary',
        mode: 'execute',
        data: { requestId: 'R-ABCD', nonce: 'n0nce' },
      },
      {
        id: 'reject',
        label: 'Reject',
        style: 'danger',
        mode: 'execute',
        data: { requestId: 'R-ABCD', nonce: 'n0nce' },
        requires: ['reason'],
      },
    ],
  };

  test('Approve and Reject carry the request id and nonce only; the reason is asked for when Reject is clicked', () => {
    const message = renderMessage(approval);
    assertValidMessage(message);
    const blocks = message.blocks as Json[];
    expect(blocks.filter((b) => b.type === 'input')).toEqual([]);
    const buttons = blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons.map((b: Json) => [b.text.text, b.style])).toEqual([
      ['Approve', 'primary'],
      ['Reject', 'danger'],
    ]);
    const approve = parseButtonValue(buttons[0].value)!;
    expect(approve).toEqual({ payload: { action: 'approve', requestId: 'R-ABCD', nonce: 'n0nce' }, ask: [] });
    expect(parseElementId(buttons[0].action_id)).toEqual({ kind: 'x', id: 'approve' });
    const reject = parseButtonValue(buttons[1].value)!;
    expect(reject.ask.map((a) => a.label)).toEqual(['Reason for rejecting']);

    const ask = askModal('Reject', reject.ask, { payload: reject.payload, channel: 'C0ONCALL', ts: '1.2' }, 'R-ABCD');
    assertValidModal(ask);
    expect(ask.submit?.text).toBe('Reject');
    const metadata = parseMetadata(ask.private_metadata);
    expect(metadata.execute).toEqual({ payload: reject.payload, channel: 'C0ONCALL', ts: '1.2' });
    expect(Object.keys(metadata.required ?? {})).toEqual(['reason']);
  });

  test("text we did not write cannot mention @channel or make links: Slack's markup is escaped", () => {
    const text = visibleText(renderMessage(approval).blocks as Json[]);
    const raw = JSON.stringify(renderMessage(approval).blocks);
    expect(raw).toContain('&lt;!channel&gt;');
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<https://evil.example|Approve here>');
    expect(text).toContain('<!channel> *pg* <https://evil.example|Approve here>');
  });

  test('decided: no buttons left, and the tone shows', () => {
    const decided = renderMessage({
      ...approval,
      subtitle: 'Approved by Dan at 2026-11-24 10:00 UTC',
      tone: 'good',
      actions: [],
      inputs: [],
    });
    assertValidMessage(decided);
    expect(buttonLabels(decided.blocks as Json[])).toEqual([]);
    expect(JSON.stringify(decided.blocks)).toContain(':white_check_mark: Approved by Dan');
  });
});

describe('what comes back from Slack is read strictly', () => {
  test('element ids, button values and dispatch block ids: anything malformed is refused', () => {
    expect(parseElementId('s:choose:3')).toEqual({ kind: 's', id: 'choose' });
    expect(parseElementId('c:jobs:page:12')).toEqual({ kind: 'c', id: 'jobs:page' });
    for (const bad of ['', 'choose', 'z:choose:1', 's:1', 'x:']) expect(parseElementId(bad)).toBeUndefined();
    expect(parseButtonValue('{"action":"back","step":"point","n":3}')).toEqual({
      payload: { action: 'back', step: 'point' },
      ask: [],
    });
    for (const bad of [undefined, '', 'garbage', '[]', '{"step":"x"}', '{"action":5}']) {
      expect(parseButtonValue(bad)).toBeUndefined();
    }
    expect(parseDispatchBlockId('d:7:{"action":"choose","step":"vault"}')).toEqual({ action: 'choose', step: 'vault' });
    expect(parseDispatchBlockId('b:7')).toBeUndefined();
    expect(parseMetadata('not json')).toEqual({});
  });

  test('inputs are read by the view input ids; blank text counts as not given', () => {
    const { inputs } = readInputs({
      'b:1': { 'i:time:1': { type: 'plain_text_input', value: '  ' } },
      'd:2:{}': { 'c:point:2': { type: 'external_select', selected_option: { value: 'p:abc' } } },
      'b:3': { 'i:query:3': { type: 'plain_text_input', value: 'bv-prod' } },
      'b:4': { other: { type: 'plain_text_input', value: 'ignored' } },
    });
    expect(inputs).toEqual({ point: 'p:abc', query: 'bv-prod' });
  });
});

describe('text is cut to its limit keeping what matters', () => {
  test('names and ids lose their middle; escaping never pushes text over its limit', () => {
    const cut = clipMiddle(JOB_ID, 60);
    expect(codePointLength(cut)).toBe(60);
    expect(cut.startsWith('/subscriptions/')).toBe(true);
    expect(cut.endsWith(GUID.slice(-20))).toBe(true);
    const escaped = mrkdwnText('<&>'.repeat(2_000), 3_000);
    expect(codePointLength(escaped)).toBeLessThanOrEqual(3_000);
    expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(clipMiddle('😀'.repeat(100), 11)).toBe(`${'😀'.repeat(5)}…${'😀'.repeat(5)}`);
  });
});
