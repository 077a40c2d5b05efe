/**
 * The Block Kit validator catches what Slack would refuse in front of the user: every limit in the table is
 * enforced exactly at its boundary, ids are unique per surface, and unknown types and missing fields are named
 * with their JSON path.
 */
import {
  assertValidMessage,
  assertValidModal,
  assertValidOptions,
  type BlockKitProblem,
  validateMessage,
  validateModal,
  validateOptions,
} from '../../../src/bot/slack/block-kit-validator';
import { BLOCK_KIT_LIMITS, type BlockKitLimit } from '../../../src/bot/slack/limits';
import { isBotError } from '../../../src/errors';

const pt = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const chars = (n: number) => 'x'.repeat(n);
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const option = (i: number, extra: object = {}) => ({ text: pt(`Option ${i}`), value: `v${i}`, ...extra });
const button = (extra: object = {}) => ({ type: 'button', action_id: 'go', text: pt('Go'), ...extra });
const select = (extra: object = {}) => ({ type: 'static_select', action_id: 'pick', options: [option(0)], ...extra });
const actions = (...elements: object[]) => ({ type: 'actions', elements });
const message = (...blocks: object[]) => ({ text: 'fallback', blocks });
const modal = (extra: object = {}, ...blocks: object[]) => ({ type: 'modal', title: pt('Restore'), blocks, ...extra });
const input = (extra: object = {}) => ({
  type: 'input',
  label: pt('Target'),
  element: { type: 'plain_text_input', action_id: 'target' },
  ...extra,
});
const confirm = (extra: object = {}) => ({
  title: pt('Sure?'),
  text: md('Really.'),
  confirm: pt('Yes'),
  deny: pt('No'),
  ...extra,
});

type Surface = 'message' | 'modal' | 'options';
interface LimitCase {
  limit: BlockKitLimit;
  surface: Surface;
  /** The payload with the limited quantity set to `n`. */
  build: (n: number) => object;
  path: string;
}

function validate(surface: Surface, payload: object): BlockKitProblem[] {
  if (surface === 'message') return validateMessage(payload);
  if (surface === 'modal') return validateModal(payload);
  return validateOptions(payload as { options: unknown[] });
}

const url = (n: number) => `https://example.com/${chars(n - 'https://example.com/'.length)}`;

const LIMIT_CASES: LimitCase[] = [
  {
    limit: 'messageBlocks',
    surface: 'message',
    build: (n) => message(...times(n, () => ({ type: 'divider' }))),
    path: 'blocks',
  },
  {
    limit: 'modalBlocks',
    surface: 'modal',
    build: (n) => modal({}, ...times(n, () => ({ type: 'divider' }))),
    path: 'blocks',
  },
  { limit: 'messageText', surface: 'message', build: (n) => ({ text: chars(n) }), path: 'text' },
  {
    limit: 'sectionText',
    surface: 'message',
    build: (n) => message({ type: 'section', text: md(chars(n)) }),
    path: 'blocks[0].text.text',
  },
  {
    limit: 'sectionFields',
    surface: 'message',
    build: (n) => message({ type: 'section', fields: times(n, (i) => md(`*f${i}*`)) }),
    path: 'blocks[0].fields',
  },
  {
    limit: 'sectionFieldText',
    surface: 'message',
    build: (n) => message({ type: 'section', fields: [md('a'), pt(chars(n))] }),
    path: 'blocks[0].fields[1].text',
  },
  {
    limit: 'headerText',
    surface: 'message',
    build: (n) => message({ type: 'header', text: pt(chars(n)) }),
    path: 'blocks[0].text.text',
  },
  {
    limit: 'actionsElements',
    surface: 'message',
    build: (n) => message(actions(...times(n, (i) => button({ action_id: `b${i}` })))),
    path: 'blocks[0].elements',
  },
  {
    limit: 'contextElements',
    surface: 'message',
    build: (n) => message({ type: 'context', elements: times(n, () => md('c')) }),
    path: 'blocks[0].elements',
  },
  {
    limit: 'textObjectMax',
    surface: 'message',
    build: (n) => message({ type: 'context', elements: [pt(chars(n))] }),
    path: 'blocks[0].elements[0].text',
  },
  {
    limit: 'inputLabel',
    surface: 'modal',
    build: (n) => modal({ submit: pt('Next') }, input({ label: pt(chars(n)) })),
    path: 'blocks[0].label.text',
  },
  {
    limit: 'inputHint',
    surface: 'modal',
    build: (n) => modal({ submit: pt('Next') }, input({ hint: pt(chars(n)) })),
    path: 'blocks[0].hint.text',
  },
  {
    limit: 'markdownText',
    surface: 'message',
    build: (n) => message({ type: 'markdown', text: chars(n) }),
    path: 'blocks[0].text',
  },
  {
    limit: 'imageUrl',
    surface: 'message',
    build: (n) => message({ type: 'image', image_url: url(n), alt_text: 'chart' }),
    path: 'blocks[0].image_url',
  },
  {
    limit: 'imageAltText',
    surface: 'message',
    build: (n) => message({ type: 'image', image_url: url(30), alt_text: chars(n) }),
    path: 'blocks[0].alt_text',
  },
  {
    limit: 'imageTitle',
    surface: 'message',
    build: (n) => message({ type: 'image', image_url: url(30), alt_text: 'chart', title: pt(chars(n)) }),
    path: 'blocks[0].title.text',
  },
  {
    limit: 'blockId',
    surface: 'message',
    build: (n) => message({ type: 'divider', block_id: chars(n) }),
    path: 'blocks[0].block_id',
  },
  {
    limit: 'actionId',
    surface: 'message',
    build: (n) => message(actions(button({ action_id: chars(n) }))),
    path: 'blocks[0].elements[0].action_id',
  },
  {
    limit: 'placeholder',
    surface: 'message',
    build: (n) => message(actions(select({ placeholder: pt(chars(n)) }))),
    path: 'blocks[0].elements[0].placeholder.text',
  },
  {
    limit: 'buttonText',
    surface: 'message',
    build: (n) => message(actions(button({ text: pt(chars(n)) }))),
    path: 'blocks[0].elements[0].text.text',
  },
  {
    limit: 'buttonValue',
    surface: 'message',
    build: (n) => message(actions(button({ value: chars(n) }))),
    path: 'blocks[0].elements[0].value',
  },
  {
    limit: 'buttonAccessibilityLabel',
    surface: 'message',
    build: (n) => message(actions(button({ accessibility_label: chars(n) }))),
    path: 'blocks[0].elements[0].accessibility_label',
  },
  {
    limit: 'url',
    surface: 'message',
    build: (n) => message(actions(button({ url: url(n) }))),
    path: 'blocks[0].elements[0].url',
  },
  {
    limit: 'selectOptions',
    surface: 'message',
    build: (n) => message(actions(select({ options: times(n, (i) => option(i)) }))),
    path: 'blocks[0].elements[0].options',
  },
  {
    limit: 'selectOptionGroups',
    surface: 'message',
    build: (n) =>
      message(
        actions(
          select({
            options: undefined,
            option_groups: times(n, (i) => ({ label: pt(`G${i}`), options: [option(i)] })),
          }),
        ),
      ),
    path: 'blocks[0].elements[0].option_groups',
  },
  {
    limit: 'optionGroupOptions',
    surface: 'message',
    build: (n) =>
      message(
        actions(
          select({ options: undefined, option_groups: [{ label: pt('G'), options: times(n, (i) => option(i)) }] }),
        ),
      ),
    path: 'blocks[0].elements[0].option_groups[0].options',
  },
  {
    limit: 'optionGroupLabel',
    surface: 'message',
    build: (n) =>
      message(actions(select({ options: undefined, option_groups: [{ label: pt(chars(n)), options: [option(0)] }] }))),
    path: 'blocks[0].elements[0].option_groups[0].label.text',
  },
  {
    limit: 'optionsLoadOptions',
    surface: 'options',
    build: (n) => ({ options: times(n, (i) => option(i)) }),
    path: 'options',
  },
  {
    limit: 'overflowOptions',
    surface: 'message',
    build: (n) => message(actions({ type: 'overflow', action_id: 'more', options: times(n, (i) => option(i)) })),
    path: 'blocks[0].elements[0].options',
  },
  {
    limit: 'checkboxesOptions',
    surface: 'modal',
    build: (n) =>
      modal(
        { submit: pt('Next') },
        input({ element: { type: 'checkboxes', action_id: 'c', options: times(n, (i) => option(i)) } }),
      ),
    path: 'blocks[0].element.options',
  },
  {
    limit: 'radioButtonsOptions',
    surface: 'modal',
    build: (n) =>
      modal(
        { submit: pt('Next') },
        input({ element: { type: 'radio_buttons', action_id: 'r', options: times(n, (i) => option(i)) } }),
      ),
    path: 'blocks[0].element.options',
  },
  {
    limit: 'plainTextInputMinLength',
    surface: 'modal',
    build: (n) =>
      modal({ submit: pt('Next') }, input({ element: { type: 'plain_text_input', action_id: 't', min_length: n } })),
    path: 'blocks[0].element.min_length',
  },
  {
    limit: 'optionText',
    surface: 'message',
    build: (n) => message(actions(select({ options: [option(0, { text: pt(chars(n)) })] }))),
    path: 'blocks[0].elements[0].options[0].text.text',
  },
  {
    limit: 'optionDescription',
    surface: 'message',
    build: (n) => message(actions(select({ options: [option(0, { description: pt(chars(n)) })] }))),
    path: 'blocks[0].elements[0].options[0].description.text',
  },
  {
    limit: 'optionValue',
    surface: 'message',
    build: (n) => message(actions(select({ options: [option(0, { value: chars(n) })] }))),
    path: 'blocks[0].elements[0].options[0].value',
  },
  {
    limit: 'confirmTitle',
    surface: 'message',
    build: (n) => message(actions(button({ confirm: confirm({ title: pt(chars(n)) }) }))),
    path: 'blocks[0].elements[0].confirm.title.text',
  },
  {
    limit: 'confirmText',
    surface: 'message',
    build: (n) => message(actions(button({ confirm: confirm({ text: md(chars(n)) }) }))),
    path: 'blocks[0].elements[0].confirm.text.text',
  },
  {
    limit: 'confirmButton',
    surface: 'message',
    build: (n) => message(actions(button({ confirm: confirm({ confirm: pt(chars(n)) }) }))),
    path: 'blocks[0].elements[0].confirm.confirm.text',
  },
  {
    limit: 'denyButton',
    surface: 'message',
    build: (n) => message(actions(button({ confirm: confirm({ deny: pt(chars(n)) }) }))),
    path: 'blocks[0].elements[0].confirm.deny.text',
  },
  { limit: 'modalTitle', surface: 'modal', build: (n) => modal({ title: pt(chars(n)) }), path: 'title.text' },
  { limit: 'modalSubmit', surface: 'modal', build: (n) => modal({ submit: pt(chars(n)) }), path: 'submit.text' },
  { limit: 'modalClose', surface: 'modal', build: (n) => modal({ close: pt(chars(n)) }), path: 'close.text' },
  {
    limit: 'privateMetadata',
    surface: 'modal',
    build: (n) => modal({ private_metadata: chars(n) }),
    path: 'private_metadata',
  },
  { limit: 'callbackId', surface: 'modal', build: (n) => modal({ callback_id: chars(n) }), path: 'callback_id' },
  { limit: 'externalId', surface: 'modal', build: (n) => modal({ external_id: chars(n) }), path: 'external_id' },
];

/** Limits that are not about one payload's shape, proven elsewhere. */
const NOT_PAYLOAD_LIMITS: BlockKitLimit[] = [
  'textObjectMin', // a lower bound: the "empty text" test below
  'modalViewStack', // a session limit: the fake Slack API answers push_limit_reached (test/fakes/slack-api.test.ts)
];

describe('limits table', () => {
  test('every limit has an oversized case here (or is named as proven elsewhere)', () => {
    const covered = new Set([...LIMIT_CASES.map((c) => c.limit), ...NOT_PAYLOAD_LIMITS]);
    expect(Object.keys(BLOCK_KIT_LIMITS).filter((k) => !covered.has(k as BlockKitLimit))).toEqual([]);
  });

  test('is frozen, so nobody raises a limit at run time', () => {
    expect(Object.isFrozen(BLOCK_KIT_LIMITS)).toBe(true);
  });
});

describe.each(LIMIT_CASES)('$limit', ({ limit, surface, build, path }) => {
  const max = BLOCK_KIT_LIMITS[limit];

  test(`passes at ${max}`, () => {
    expect(validate(surface, build(max))).toEqual([]);
  });

  test(`fails at ${max + 1}, naming ${path}`, () => {
    const problems = validate(surface, build(max + 1));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toMatch(new RegExp(`^${max + 1} > ${max}\\b`));
  });
});

describe('character counting', () => {
  test('counts code points, so 75 emoji (150 UTF-16 units) fit a button and 76 do not', () => {
    const emoji = (n: number) => '🔁'.repeat(n);
    expect(emoji(75).length).toBe(150);
    expect(validateMessage(message(actions(button({ text: pt(emoji(75)) }))))).toEqual([]);
    expect(validateMessage(message(actions(button({ text: pt(emoji(76)) }))))).toEqual([
      { path: 'blocks[0].elements[0].text.text', message: '76 > 75 chars' },
    ]);
  });

  test('an empty text object is refused (text objects need at least one character)', () => {
    expect(validateMessage(message({ type: 'section', text: md('') }))).toEqual([
      { path: 'blocks[0].text.text', message: 'must not be empty' },
    ]);
  });
});

describe('ids are unique across the surface', () => {
  test('the same action_id in two blocks is reported at the second, naming the first', () => {
    const problems = validateMessage(
      message(actions(button({ action_id: 'approve' })), {
        type: 'section',
        text: md('x'),
        accessory: button({ action_id: 'approve' }),
      }),
    );
    expect(problems).toEqual([
      {
        path: 'blocks[1].accessory.action_id',
        message: "duplicate action_id 'approve' (first at blocks[0].elements[0])",
      },
    ]);
  });

  test('the same action_id in an input and an actions block of a modal', () => {
    const problems = validateModal(
      modal(
        { submit: pt('Next') },
        input({ element: { type: 'plain_text_input', action_id: 'x' } }),
        actions(button({ action_id: 'x' })),
      ),
    );
    expect(problems.map((p) => p.path)).toEqual(['blocks[1].elements[0].action_id']);
  });

  test('duplicate block_id is reported', () => {
    const problems = validateMessage(
      message({ type: 'divider', block_id: 'b' }, { type: 'header', block_id: 'b', text: pt('h') }),
    );
    expect(problems).toEqual([{ path: 'blocks[1].block_id', message: "duplicate block_id 'b' (first at blocks[0])" }]);
  });

  test('two surfaces do not share ids', () => {
    const one = message(actions(button({ action_id: 'approve' })));
    expect([...validateMessage(one), ...validateMessage(one)]).toEqual([]);
  });
});

describe('unknown types and properties', () => {
  test.each([
    [message({ type: 'table', rows: [] }), 'blocks[0].type', "unknown block type 'table'"],
    [
      message(actions({ type: 'multi_users_select', action_id: 'u' })),
      'blocks[0].elements[0].type',
      "unknown element type 'multi_users_select'",
    ],
    [
      message(actions({ type: 'plain_text_input', action_id: 'p' })),
      'blocks[0].elements[0].type',
      "'plain_text_input' is not allowed here",
    ],
    [
      message({ type: 'section', text: { type: 'html', text: 'x' } }),
      'blocks[0].text.type',
      "unknown text type 'html'",
    ],
    [
      message({ type: 'context', elements: [{ type: 'button', text: pt('b') }] }),
      'blocks[0].elements[0].type',
      "unknown context element type 'button'",
    ],
    [message({ type: 'section', text: md('x'), acessory: button() }), 'blocks[0].acessory', 'unknown property'],
    [modal({ notify_on_clse: true }), 'notify_on_clse', 'unknown property'],
    [message({ text: md('no type') }), 'blocks[0].type', 'missing'],
  ])('%#: %j → %s', (payload, path, text) => {
    const problems = 'title' in payload ? validateModal(payload) : validateMessage(payload as object);
    expect(problems).toEqual([{ path, message: text }]);
  });
});

describe('required fields and shapes', () => {
  const cases: [string, Surface, object, BlockKitProblem[]][] = [
    [
      'a message with neither text nor blocks',
      'message',
      {},
      [{ path: 'text', message: 'missing (a message needs text or blocks)' }],
    ],
    [
      'a text object without type',
      'message',
      message({ type: 'section', text: { text: 'x' } }),
      [{ path: 'blocks[0].text.type', message: 'missing' }],
    ],
    [
      'a text object without text',
      'message',
      message({ type: 'header', text: { type: 'plain_text' } }),
      [{ path: 'blocks[0].text.text', message: 'missing' }],
    ],
    [
      'a header in mrkdwn',
      'message',
      message({ type: 'header', text: md('x') }),
      [{ path: 'blocks[0].text.type', message: 'must be plain_text, not mrkdwn' }],
    ],
    [
      'a section without text or fields',
      'message',
      message({ type: 'section' }),
      [{ path: 'blocks[0].text', message: 'missing (or fields)' }],
    ],
    [
      'a button without text',
      'message',
      message(actions({ type: 'button', action_id: 'b' })),
      [{ path: 'blocks[0].elements[0].text', message: 'missing' }],
    ],
    [
      'an actions block with no elements',
      'message',
      message(actions()),
      [{ path: 'blocks[0].elements', message: '0 < 1 items' }],
    ],
    [
      'a button with a bad style',
      'message',
      message(actions(button({ style: 'blue' }))),
      [{ path: 'blocks[0].elements[0].style', message: `must be 'primary' or 'danger', not "blue"` }],
    ],
    [
      'an option without value',
      'message',
      message(actions(select({ options: [{ text: pt('a') }] }))),
      [{ path: 'blocks[0].elements[0].options[0].value', message: 'missing' }],
    ],
    [
      'a select with no options',
      'message',
      message(actions(select({ options: [] }))),
      [{ path: 'blocks[0].elements[0].options', message: '0 < 1 items' }],
    ],
    [
      'a select with both options and option_groups',
      'message',
      message(actions(select({ option_groups: [{ label: pt('g'), options: [option(1)] }] }))),
      [{ path: 'blocks[0].elements[0].option_groups', message: 'not allowed together with options' }],
    ],
    [
      'an initial_option that is not one of the options',
      'message',
      message(actions(select({ initial_option: option(7) }))),
      [{ path: 'blocks[0].elements[0].initial_option.value', message: '"v7" is not one of the options' }],
    ],
    [
      'a confirm dialog without deny',
      'message',
      message(actions(button({ confirm: confirm({ deny: undefined }) }))),
      [{ path: 'blocks[0].elements[0].confirm.deny', message: 'missing' }],
    ],
    [
      'a datepicker with a bad initial_date',
      'message',
      message(actions({ type: 'datepicker', action_id: 'd', initial_date: '24/11/2026' })),
      [{ path: 'blocks[0].elements[0].initial_date', message: 'must be YYYY-MM-DD' }],
    ],
    ['a view without type', 'modal', { title: pt('t'), blocks: [] }, [{ path: 'type', message: 'missing' }]],
    ['a home view', 'modal', { ...modal(), type: 'home' }, [{ path: 'type', message: `must be 'modal', not "home"` }]],
    ['a modal without title', 'modal', { type: 'modal', blocks: [] }, [{ path: 'title', message: 'missing' }]],
    ['a modal without blocks', 'modal', { type: 'modal', title: pt('t') }, [{ path: 'blocks', message: 'missing' }]],
    [
      'a modal with an input block but no submit',
      'modal',
      modal({}, input()),
      [{ path: 'submit', message: 'missing (required when the view has input blocks)' }],
    ],
    [
      'an input block without label and element',
      'modal',
      modal({ submit: pt('Go') }, { type: 'input' }),
      [
        { path: 'blocks[0].label', message: 'missing' },
        { path: 'blocks[0].element', message: 'missing' },
      ],
    ],
    [
      'a plain_text_input with min_length above max_length',
      'modal',
      modal(
        { submit: pt('Go') },
        input({ element: { type: 'plain_text_input', action_id: 't', min_length: 10, max_length: 5 } }),
      ),
      [{ path: 'blocks[0].element.min_length', message: '10 > max_length 5' }],
    ],
    ['an options answer without options', 'options', {}, [{ path: 'options', message: 'missing' }]],
    [
      'an options answer in mrkdwn',
      'options',
      { options: [{ text: md('*a*'), value: 'a' }] },
      [{ path: 'options[0].text.type', message: 'must be plain_text, not mrkdwn' }],
    ],
    [
      'a view that is not an object',
      'modal',
      [] as unknown as object,
      [{ path: '', message: 'a view must be an object' }],
    ],
  ];

  test.each(cases)('%s', (_name, surface, payload, expected) => {
    expect(validate(surface, payload)).toEqual(expected);
  });

  test('an options answer with zero matches is fine (Slack shows "no results")', () => {
    expect(validateOptions({ options: [] })).toEqual([]);
  });
});

describe('assertions', () => {
  test('assertValidMessage throws one BotError listing every problem with its path', () => {
    const bad = message(
      { type: 'divider' },
      { type: 'divider' },
      { type: 'divider' },
      actions(button({ value: chars(2014) })),
      { type: 'header', text: pt(chars(151)) },
    );
    let thrown: unknown;
    try {
      assertValidMessage(bad);
    } catch (e) {
      thrown = e;
    }
    expect(isBotError(thrown, 'SLACK_BLOCK_KIT_INVALID')).toBe(true);
    const text = (thrown as Error).message;
    expect(text).toContain('has 2 problems');
    expect(text).toContain('blocks[3].elements[0].value: 2014 > 2000 chars');
    expect(text).toContain('blocks[4].text.text: 151 > 150 chars');
  });

  test('assertValidModal and assertValidOptions throw on a bad surface and pass a good one', () => {
    expect(() => assertValidModal(modal({ title: pt(chars(25)) }))).toThrow('title.text: 25 > 24 chars');
    expect(() => assertValidOptions({ options: times(101, (i) => option(i)) })).toThrow('options: 101 > 100 items');
    expect(() => assertValidModal(modal())).not.toThrow();
    expect(() => assertValidOptions({ options: [option(1)] })).not.toThrow();
  });
});

describe('realistic surfaces pass', () => {
  test('a restore wizard modal using every element the app builds', () => {
    const view = {
      type: 'modal',
      callback_id: 'restore_wizard',
      private_metadata: JSON.stringify({ requestId: 'r-1' }),
      title: pt('Restore a server'),
      submit: pt('Request approval'),
      close: pt('Cancel'),
      notify_on_close: true,
      blocks: [
        { type: 'header', text: pt('Restore'), block_id: 'head' },
        input({
          block_id: 'vault',
          dispatch_action: true,
          label: pt('Vault'),
          element: {
            type: 'static_select',
            action_id: 'vault',
            placeholder: pt('Pick a vault'),
            option_groups: [
              { label: pt('westeurope'), options: [option(1, { description: pt('GRS, CRR on') })] },
              { label: pt('northeurope'), options: [option(2)] },
            ],
            initial_option: option(2),
          },
        }),
        input({
          block_id: 'point',
          label: pt('Recovery point'),
          hint: pt('Type to filter; newest first'),
          element: { type: 'external_select', action_id: 'point', min_query_length: 0, placeholder: pt('Latest') },
        }),
        input({
          block_id: 'day',
          optional: true,
          label: pt('Day'),
          element: { type: 'datepicker', action_id: 'day', initial_date: '2026-11-24' },
        }),
        input({
          block_id: 'mode',
          label: pt('Mode'),
          element: {
            type: 'radio_buttons',
            action_id: 'mode',
            options: [option(1, { text: md('*Primary*') }), option(2)],
            initial_option: option(2),
          },
        }),
        input({
          block_id: 'ack',
          label: pt('I understand'),
          element: { type: 'checkboxes', action_id: 'ack', options: [option(1)], initial_options: [option(1)] },
        }),
        input({
          block_id: 'target',
          label: pt('Target name'),
          element: {
            type: 'plain_text_input',
            action_id: 'target',
            min_length: 3,
            max_length: 63,
            initial_value: 'pg-restored',
          },
        }),
        {
          type: 'context',
          elements: [md('Requests expire after 60 minutes.'), { type: 'image', image_url: url(40), alt_text: 'clock' }],
        },
      ],
    };
    expect(validateModal(view)).toEqual([]);
  });

  test('an approval message with fields, an overflow and confirmed buttons', () => {
    const approval = {
      text: 'Restore request r-1 needs approval',
      blocks: [
        { type: 'header', text: pt('Restore request r-1') },
        {
          type: 'section',
          fields: [md('*Server*\npg-prod'), md('*Point*\n2026-11-24 09:00 UTC')],
          accessory: { type: 'overflow', action_id: 'more', options: [option(1, { url: url(50) })] },
        },
        { type: 'markdown', text: '**Vault** bv-prod' },
        actions(
          button({
            action_id: 'approve',
            style: 'primary',
            text: pt('Approve'),
            value: 'r-1',
            confirm: confirm({ style: 'primary' }),
          }),
          button({ action_id: 'reject', style: 'danger', text: pt('Reject'), value: 'r-1' }),
        ),
        { type: 'context', elements: [md('Requested by <@U0REQUESTER>')] },
      ],
    };
    expect(validateMessage(approval)).toEqual([]);
  });
});
