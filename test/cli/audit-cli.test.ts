/**
 * `restore-bot audit verify|export` through the real bin, on an embedded store in a temporary DATA_DIR:
 * an operator's view of the audit log, including what they see when someone edited a row behind our back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit } from '../../src/restore/audit';
import { openStore } from '../../src/store';

const BIN = join(__dirname, '../../bin/restore-bot.js');
let dataDir: string;

function cli(...args: string[]) {
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'error' };
  const run = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'restore-bot-audit-'));
  const store = await openStore({ dataDir });
  for (const [i, type] of ['request_created', 'approved', 'triggered'].entries()) {
    await appendAudit(store, {
      type,
      actor: { id: `user-${i}`, displayName: `User ${i}` },
      channel: 'teams',
      requestId: 'R-7KQ2',
      details: { step: i },
    });
  }
  await store.close();
}, 60_000);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('export prints one JSON line per event, in order', () => {
  const run = cli('audit', 'export');
  expect(run.code).toBe(0);
  const events = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(events.map((e) => [e.seq, e.type, e.actor.id])).toEqual([
    [1, 'request_created', 'user-0'],
    [2, 'approved', 'user-1'],
    [3, 'triggered', 'user-2'],
  ]);
}, 60_000);

it('verify passes on an intact log and names the first altered event otherwise', async () => {
  const intact = cli('audit', 'verify');
  expect([intact.code, intact.stdout.trim()]).toEqual([0, 'audit log intact: 3 events']);

  const store = await openStore({ dataDir });
  // Tampering happens outside the app, so it bypasses the append-only trigger, as an intruder with SQL would.
  await store.exec(`ALTER TABLE audit_events DISABLE TRIGGER USER;
    UPDATE audit_events SET details = '{"step": 99}' WHERE seq = 2;`);
  await store.close();

  const broken = cli('audit', 'verify');
  expect(broken.code).toBe(1);
  expect(broken.stdout).toMatch(/^audit log broken at event 2: event 2 was altered/);
}, 90_000);

it('an unknown audit subcommand is a usage error', () => {
  const run = cli('audit', 'rewrite');
  expect([run.code, run.stderr.trim()]).toEqual([2, 'usage: restore-bot audit verify|export']);
}, 30_000);
