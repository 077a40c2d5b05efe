/**
 * `/restore jobs` and `/restore status`, the data side of following a restore: recent PG Flexible Server
 * restore jobs read from Azure (the vaults' own regions, or with --secondary the secondary regions), each
 * naming the request it was started for once the store confirms the link, paged when long; and status by
 * request or job id, Cross Region Restore jobs included. Runs the conversation over botbuilder's TestAdapter.
 */
import { lastSegment } from '../../src/azure';
import { Chat, fact, type Harness, requester, startHarness } from '../dialogs/support';
import { PROD_VAULT_ID } from '../restore/service/support';
import { type InstancePick, pickInstance, type RunningRestore, startRunningRestore } from './fixtures';

jest.setTimeout(60_000);

let h: Harness;
let orders: InstancePick;
let primary: RunningRestore[];
let secondary: RunningRestore;

beforeAll(async () => {
  h = await startHarness();
  orders = await pickInstance(h.client, PROD_VAULT_ID, 'pg-orders-prod');
  primary = [];
  for (let i = 0; i < 12; i++) primary.push(await startRunningRestore(h.store, h.client, orders));
  const ordersSecondary = await pickInstance(h.client, PROD_VAULT_ID, 'pg-orders-prod', 'secondary');
  secondary = await startRunningRestore(h.store, h.client, ordersSecondary, { regionMode: 'secondary' });
});
afterAll(() => h.close());

test('jobs: newest first, 10 a page, each naming its request and where it restores', async () => {
  const chat = new Chat(h.app);
  const [first] = await chat.say(requester, 'jobs bv-prod-eastus');
  expect(first!.subtitle).toBe('1–10 of 12, newest first');
  expect(first!.rows).toHaveLength(10);
  const newest = primary[primary.length - 1]!;
  const row = first!.rows![0]!;
  const facts = Object.fromEntries(row.facts.map((f) => [f.label, f.value]));
  expect(facts).toMatchObject({
    Job: lastSegment(newest.jobId),
    Request: newest.request.id,
    'Restore in': 'eastus',
    Server: 'pg-orders-prod',
  });
  const older = first!.actions!.find((a) => a.label === 'Older jobs')!;
  const [second] = await chat.submit(requester, older);
  expect(second!.subtitle).toBe('11–12 of 12, newest first');
  expect(second!.actions!.map((a) => a.label)).toEqual(['Newer jobs']);
  const shown = [...first!.rows!, ...second!.rows!].map((r) => r.facts.find((f) => f.label === 'Request')?.value);
  expect(new Set(shown)).toEqual(new Set(primary.map((r) => r.request.id)));
});

test('jobs --secondary: the Cross Region Restore jobs, read in the secondary region', async () => {
  const [view] = await new Chat(h.app).say(requester, 'jobs --secondary bv-prod-eastus');
  expect(view!.title).toBe('Restore jobs in secondary regions');
  expect(view!.rows!.map((r) => fact({ kind: 'notice', title: '', facts: r.facts }, 'Request'))).toEqual([
    secondary.request.id,
  ]);
  expect(view!.rows![0]!.facts.find((f) => f.label === 'Restore in')!.value).toBe('westus');
});

test('status by job id finds a Cross Region Restore job too, and names its request', async () => {
  const chat = new Chat(h.app);
  const [job] = await chat.say(requester, `status ${lastSegment(secondary.jobId)}`);
  expect(job!.title).toBe(`Restore job ${lastSegment(secondary.jobId)}`);
  expect(fact(job!, 'Request')).toBe(secondary.request.id);
  expect(fact(job!, 'Restore in')).toBe('westus');

  const [request] = await chat.say(requester, `status ${secondary.request.id}`);
  expect(request!.title).toBe(`Request ${secondary.request.id}: Running`);
  expect(fact(request!, 'Job')).toBe(lastSegment(secondary.jobId));
  expect(fact(request!, 'File prefix')).toMatch(new RegExp(`^pg-orders-prod-\\d{8}T\\d{4}Z-${secondary.request.id}$`));
});
