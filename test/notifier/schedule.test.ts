/**
 * The schedule's arithmetic, checked instead of waited for: with default settings a job's end is posted
 * within 30 s (SPEC section 2.3), polls start frequent and back off to the ceiling, jitter never stretches an
 * interval past it, and the environment maps onto the settings in the units the README gives.
 */
import { readEnv } from '../../src/config';
import {
  DEFAULT_NOTIFIER_SETTINGS,
  END_POSTED_WITHIN_MS,
  notifierSettings,
  notifierSettingsFromEnv,
  pollIntervalMs,
  tickMs,
  worstCaseEndToPostMs,
} from '../../src/notifier';

const defaults = notifierSettings();

test('with defaults, the worst case from a job ending to its post is within 30 s', () => {
  expect(defaults.maxIntervalMs).toBeLessThanOrEqual(25_000);
  expect(worstCaseEndToPostMs(defaults)).toBeLessThanOrEqual(END_POSTED_WITHIN_MS);
  expect(END_POSTED_WITHIN_MS).toBe(30_000);
  // Whatever the age and the dice, no interval exceeds the ceiling the worst case is built on.
  for (const age of [0, 10_000, 60_000, 600_000, 86_400_000]) {
    for (const roll of [0, 0.5, 0.999]) {
      expect(pollIntervalMs(defaults, age, () => roll)).toBeLessThanOrEqual(defaults.maxIntervalMs);
    }
  }
});

test('frequent right after the trigger, doubling with age, settling at the ceiling', () => {
  const noJitter = () => 0;
  expect(pollIntervalMs(defaults, 0, noJitter)).toBe(5_000);
  expect(pollIntervalMs(defaults, 60_000, noJitter)).toBe(10_000);
  expect(pollIntervalMs(defaults, 120_000, noJitter)).toBe(20_000);
  expect(pollIntervalMs(defaults, 3_600_000, noJitter)).toBe(20_000);
  const ages = [0, 15_000, 30_000, 45_000, 60_000, 90_000, 120_000];
  const intervals = ages.map((age) => pollIntervalMs(defaults, age, noJitter));
  expect([...intervals].sort((a, b) => a - b)).toEqual(intervals);
});

test('jitter spreads replicas by shortening intervals, by at most its share', () => {
  const max = pollIntervalMs(defaults, 3_600_000, () => 0);
  const min = pollIntervalMs(defaults, 3_600_000, () => 0.999);
  expect(max).toBe(defaults.maxIntervalMs);
  expect(min).toBeGreaterThanOrEqual(defaults.maxIntervalMs * (1 - defaults.jitter) - 1);
  expect(min).toBeLessThan(max);
});

test('NOTIFIER_* environment variables, in seconds and minutes, become the settings', () => {
  const env = readEnv({
    NOTIFIER_POLL_MIN_SECONDS: '2',
    NOTIFIER_POLL_MAX_SECONDS: '15',
    NOTIFIER_POLL_DOUBLING_SECONDS: '30',
    NOTIFIER_LEASE_SECONDS: '45',
    NOTIFIER_STUCK_AFTER_MINUTES: '120',
    NOTIFIER_UNKNOWN_AFTER_MINUTES: '5',
    NOTIFIER_MAX_WATCHES: '50',
    NOTIFIER_ENABLED: 'false',
  });
  expect(notifierSettingsFromEnv(env)).toEqual({
    ...DEFAULT_NOTIFIER_SETTINGS,
    enabled: false,
    minIntervalMs: 2_000,
    maxIntervalMs: 15_000,
    doublingMs: 30_000,
    leaseMs: 45_000,
    stuckAfterMs: 7_200_000,
    unknownAfterMs: 300_000,
    maxWatches: 50,
  });
  expect(notifierSettingsFromEnv(readEnv({}))).toEqual(DEFAULT_NOTIFIER_SETTINGS);
  expect(tickMs(defaults)).toBe(1_000);
});

test('settings that cannot work together are refused with CONFIG_INVALID, saying why', () => {
  expect(() =>
    notifierSettingsFromEnv(readEnv({ NOTIFIER_POLL_MIN_SECONDS: '30', NOTIFIER_POLL_MAX_SECONDS: '10' })),
  ).toThrow(
    expect.objectContaining({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('must not be below the minimum'),
    }),
  );
  expect(() => notifierSettings({ leaseMs: 1_000 })).toThrow(/lease must last at least three notifier cycles/);
  expect(() => readEnv({ NOTIFIER_POLL_MIN_SECONDS: 'soon' })).toThrow(
    expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('NOTIFIER_POLL_MIN_SECONDS') }),
  );
});
