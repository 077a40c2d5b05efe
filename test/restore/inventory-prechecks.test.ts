/**
 * The prechecks while the vault's region is down: the vault comes from the inventory (said with its age) and
 * does not block; the secondary region's own checks and Azure's cross-region validation still run; and a
 * restore approved during the outage is triggered (Cross Region Restore, once), not left pending.
 */
import { type DataProtectionClient, recoveryPointName } from '../../src/azure';
import { silentLogger } from '../../src/log';
import type { Policy } from '../../src/restore';
import { InventoryRefresher, RestoreInventory } from '../../src/restore/inventory';
import { NO_CRASH, RestoreService } from '../../src/restore/service';
import { openStore, type Store } from '../../src/store';
import {
  admin,
  approver,
  type DemoRefs,
  dbaDirectory,
  demoRefs,
  type EmulatorHandle,
  emulatorClient,
  fastForward,
  loadDemoPolicy,
  restoreInput,
  startDemoEmulator,
  triggerPosts,
} from './service/support';

jest.setTimeout(30_000);

let emulator: EmulatorHandle;
let forward: { stop(): Promise<void> };
let client: DataProtectionClient;
let policy: Policy;
let refs: DemoRefs;
let store: Store;
let inventory: RestoreInventory;
let service: RestoreService;

interface Logged {
  method: string;
  path: string;
  status: number;
}

async function requestLog(): Promise<Logged[]> {
  return ((await admin(emulator.url, 'GET', 'requests')) as { requests: Logged[] }).requests;
}

function outage(down: boolean) {
  return admin(emulator.url, 'POST', 'outage', { region: 'eastus', down });
}

/** pg-orders-prod's newest point already replicated to westus. */
async function secondaryPoint() {
  const points = await client
    .fetchSecondaryRecoveryPoints('westus', { sourceRegion: 'eastus', sourceBackupInstanceId: refs.orders.id })
    .toArray();
  const newest = points.sort((a, b) =>
    b.properties.recoveryPointTime.localeCompare(a.properties.recoveryPointTime),
  )[0]!;
  return { id: recoveryPointName(newest), time: newest.properties.recoveryPointTime };
}

beforeAll(async () => {
  emulator = await startDemoEmulator();
  forward = fastForward(emulator.url, 1, 100);
  // A Retry-After above maxDelayMs surfaces at once: the outage costs no waiting in these tests.
  client = emulatorClient(emulator.url, { retry: { baseDelayMs: 20, maxDelayMs: 500 } });
  policy = await loadDemoPolicy();
  refs = await demoRefs(client);
  store = await openStore({ dataDir: 'memory://' });
  inventory = new RestoreInventory({ records: store.inventory, now: () => new Date() });
  service = new RestoreService({
    store,
    policy,
    azure: client,
    userGroups: dbaDirectory(),
    now: () => new Date(),
    logger: silentLogger,
    inventory,
    options: { crashHook: NO_CRASH },
  });
});

afterAll(async () => {
  await outage(false).catch(() => undefined);
  await forward?.stop();
  await store?.close();
  await emulator?.close();
});

test('with a cold inventory the vault is unreadable and said so; Azure still validates in westus', async () => {
  const point = await secondaryPoint();
  await outage(true);
  try {
    const outcome = await service.createRequest(
      restoreInput(refs, { regionMode: 'secondary', recoveryPoint: point, targetName: 'dr-westus' }),
    );
    expect(outcome.created).toBe(true);
    if (!outcome.created) return;
    expect(outcome.warnings.map((w) => w.code)).toEqual(['PRECHECK_VAULT_UNREADABLE']);
    expect(outcome.request.validation?.azure.status).toBe('Succeeded');
  } finally {
    await outage(false);
  }
});

test('during the outage the vault comes from the inventory with its age, and the approved CRR is triggered once', async () => {
  await new InventoryRefresher({ client, policy, inventory, intervalMs: 0 }).refresh();
  const point = await secondaryPoint();
  await outage(true);
  await admin(emulator.url, 'DELETE', 'requests');

  const created = await service.createRequest(
    restoreInput(refs, { regionMode: 'secondary', recoveryPoint: point, targetName: 'dr-westus' }),
  );
  if (!created.created) throw new Error(`not created: ${created.failures.map((f) => f.message).join(' ')}`);
  expect(created.warnings.map((w) => w.code)).toEqual(['PRECHECK_VAULT_FROM_INVENTORY']);
  expect(created.warnings[0]!.message).toMatch(
    /^Degraded: eastus, the region of bv-prod-eastus, is not answering \(ServiceUnavailable\)\. The vault's settings come from the bot's inventory as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \((just now|1 minute ago)\), its servers as of .+ UTC \((just now|1 minute ago)\); Azure's own validation in the restore region still decides\.$/,
  );
  expect(created.request.validation?.azure.status).toBe('Succeeded');

  // The re-check at trigger time reads the inventory too: the request does not wait for eastus.
  const approved = await service.approve(created.request.id, approver, { conversationId: 'C0ONCALL' });

  expect(approved).toMatchObject({ outcome: 'approved', trigger: { status: 'running' } });
  expect((await service.get(created.request.id))?.state).toBe('running');
  expect((await triggerPosts(emulator.url)).map((p) => [p.path.split('/').pop(), p.status])).toEqual([
    ['crossRegionRestore', 202],
  ]);
  // eastus was asked once (the vault, 503); every other call, both checks and the trigger, went to westus.
  const log = await requestLog();
  expect(log.filter((r) => r.status === 503).map((r) => r.path)).toEqual([refs.vault.id]);
  expect(log.filter((r) => r.status !== 503).every((r) => r.path.includes('/locations/westus/'))).toBe(true);
});

test('a primary-region restore during the outage: the stored vault does not block, the unreachable point does', async () => {
  await outage(true);
  const outcome = await service.createRequest(restoreInput(refs));
  expect(outcome.created).toBe(false);
  if (outcome.created) return;
  expect(outcome.validation.warnings.map((w) => w.code)).toEqual(['PRECHECK_VAULT_FROM_INVENTORY']);
  expect(outcome.failures.map((f) => f.code)).toEqual(['PRECHECK_AZURE_UNAVAILABLE']);
  expect(outcome.failures[0]!.message).toContain('reading the recovery point of pg-orders-prod');
});

test('a server missing from the stored list is said, and still left to Azure to judge', async () => {
  await outage(false);
  const point = await secondaryPoint();
  await store.inventory.putInstances(refs.vault.id, [], new Date());
  await outage(true);
  const outcome = await service.createRequest(
    restoreInput(refs, { regionMode: 'secondary', recoveryPoint: point, targetName: 'dr-westus' }),
  );
  if (!outcome.created) throw new Error(`not created: ${outcome.failures.map((f) => f.message).join(' ')}`);
  expect(outcome.warnings.map((w) => w.code)).toEqual([
    'PRECHECK_VAULT_FROM_INVENTORY',
    'PRECHECK_INSTANCE_NOT_IN_INVENTORY',
  ]);
  expect(outcome.warnings[1]!.message).toBe(
    "pg-orders-prod was not among the servers of bv-prod-eastus when the bot last listed them; Azure's validation will tell whether it is still protected there.",
  );
  expect(outcome.request.validation?.azure.status).toBe('Succeeded');
});
