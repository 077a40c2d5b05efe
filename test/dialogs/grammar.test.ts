import { parseCommand, parseTypedTime } from '../../src/dialogs';

describe('command words', () => {
  it.each([
    ['restore', { kind: 'restore', prefill: {}, shortcut: false }],
    ['/restore jobs --secondary bv-prod-eastus', { kind: 'jobs', secondary: true, vault: 'bv-prod-eastus' }],
    ['jobs', { kind: 'jobs', secondary: false }],
    ['status R-7KQ2', { kind: 'status', id: 'R-7KQ2' }],
    ['restore vaults bv-dev', { kind: 'vaults', name: 'bv-dev' }],
    ['restore cancel', { kind: 'cancel' }],
    ['HELP', { kind: 'help' }],
    [
      'restore pg-orders-prod --secondary --at "2026-11-20 14:00" --target dr-westus',
      {
        kind: 'restore',
        shortcut: true,
        prefill: { server: 'pg-orders-prod', region: 'secondary', at: '2026-11-20 14:00', target: 'dr-westus' },
      },
    ],
    [
      'restore pg-orders-prod --at yesterday 18:00 --latest',
      { kind: 'invalid', code: 'OPTIONS_CONFLICT', message: 'Use --at <time> or --latest, not both.' },
    ],
    [
      'restore pg-orders-prod --latest',
      { kind: 'restore', shortcut: true, prefill: { server: 'pg-orders-prod', region: 'primary', latest: true } },
    ],
    ['jbos', { kind: 'unknown', typed: 'jbos', suggestion: 'jobs' }],
    ['', { kind: 'empty' }],
  ])('%s', (typed, expected) => {
    expect(parseCommand(typed)).toEqual(expected);
  });

  it('names the option that needs a value', () => {
    expect(parseCommand('restore pg-orders-prod --target')).toMatchObject({
      kind: 'invalid',
      message: '--target needs a value.',
    });
  });
});

describe('typed times', () => {
  const now = new Date('2026-11-24T12:00:00Z');

  it.each([
    ['latest', { kind: 'latest' }],
    ['2026-11-20 14:00', { kind: 'at', time: new Date('2026-11-20T14:00:00Z') }],
    ['yesterday 18:00', { kind: 'at', time: new Date('2026-11-23T18:00:00Z') }],
    ['before 3h ago', { kind: 'at', time: new Date('2026-11-24T09:00:00Z') }],
  ])('%s (UTC)', (typed, expected) => {
    expect(parseTypedTime(typed, now)).toEqual(expected);
  });

  it("reads times in the person's time zone, daylight saving included", () => {
    expect(parseTypedTime('2026-11-20 14:00', now, 'Europe/Berlin')).toEqual({
      kind: 'at',
      time: new Date('2026-11-20T13:00:00Z'),
    });
    expect(parseTypedTime('2026-07-20 14:00', new Date('2026-07-24T12:00:00Z'), 'Europe/Berlin')).toEqual({
      kind: 'at',
      time: new Date('2026-07-20T12:00:00Z'),
    });
    expect(parseTypedTime('yesterday 18:00', now, 'America/New_York')).toEqual({
      kind: 'at',
      time: new Date('2026-11-23T23:00:00Z'),
    });
  });

  it.each(['next blursday', 'pg-orders 14:00', '14:00 or so', ''])('refuses "%s"', (typed) => {
    expect(parseTypedTime(typed, now)).toBeUndefined();
  });
});
