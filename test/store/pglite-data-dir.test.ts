import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBotError } from '../../src/errors';
import { appendAudit, verifyAudit } from '../../src/restore/audit';
import { LATEST_SCHEMA_VERSION, openStore } from '../../src/store';

describe('embedded store in a data directory', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'restore-bot-store-')), 'data');
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  test('requests, watches, dialog state and the audit chain survive a restart', async () => {
    const first = await openStore({ dataDir });
    await first.requests.insert({ id: 'R-KEEP', kind: 'restore', state: 'awaiting_approval', data: { vault: 'bv-1' } });
    await first.watches.register({ id: 'job-keep', requestId: 'R-KEEP', data: {} });
    await first.dialogState.write({ 'conv/keep': { step: 3 } });
    await appendAudit(first, {
      type: 'request_created',
      actor: { id: 'U1', displayName: 'A' },
      channel: 'slack',
      requestId: 'R-KEEP',
    });
    await first.close();

    const second = await openStore({ dataDir });
    try {
      expect(await second.requests.get('R-KEEP')).toMatchObject({
        state: 'awaiting_approval',
        data: { vault: 'bv-1' },
      });
      expect((await second.watches.acquire('replica-after-restart', 60_000, 10)).map((w) => w.id)).toEqual([
        'job-keep',
      ]);
      expect((await second.dialogState.read(['conv/keep']))['conv/keep'].step).toBe(3);
      expect(await verifyAudit(second)).toEqual({ ok: true, count: 1 });
      // Leave the directory as newer code would: one schema version ahead.
      await second.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`, [
        LATEST_SCHEMA_VERSION + 1,
      ]);
    } finally {
      await second.close();
    }

    const refused = await openStore({ dataDir }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isBotError(refused, 'STORE_SCHEMA_TOO_NEW')).toBe(true);
  });
});
