import { lastSegment } from '../../src/azure';
import { approver, Chat, clickOn, fact, type Harness, requester, requestViaShortcut, startHarness } from './support';

jest.setTimeout(60_000);

let h: Harness;
let requestId: string;
let jobGuid: string;
beforeAll(async () => {
  h = await startHarness();
  // One restore, so there is a job to look at.
  const { approval, confirmation } = await requestViaShortcut(h, new Chat(h.app));
  requestId = fact(confirmation, 'Request')!;
  const click = await clickOn(h.app, approver, approval.view, 'approve');
  await click.afterResponse!();
  jobGuid = lastSegment((await h.service.get(requestId))!.azure.jobId!);
});
afterAll(() => h.close());

it('jobs lists recent restore jobs newest first, with or without /restore', async () => {
  const chat = new Chat(h.app);
  for (const typed of ['jobs', '/restore jobs', 'restore jobs bv-prod-eastus']) {
    const [view] = await chat.say(requester, typed);
    expect(view!.kind).toBe('list');
    expect(view!.title).toBe('Restore jobs');
    expect(view!.subtitle).toBe('1–1 of 1, newest first');
    expect(view!.rows!.map((r) => r.title)).toEqual(['pg-orders-prod — In progress']);
    expect(view!.rows![0]!.facts.find((f) => f.label === 'Job')!.value).toBe(jobGuid);
  }
  const [status] = await chat.submit(requester, view0Action(await chat.say(requester, 'jobs')));
  expect(status!.title).toBe(`Restore job ${jobGuid}`);
});

function view0Action(views: Awaited<ReturnType<Chat['say']>>) {
  return views[0]!.rows![0]!.actions!.find((a) => a.id === 'status')!;
}

it('jobs --secondary asks the secondary region and says which vaults cannot have such jobs', async () => {
  const [view] = await new Chat(h.app).say(requester, 'jobs --secondary');
  expect(view!.title).toBe('Restore jobs in secondary regions');
  expect(view!.rows).toEqual([]);
  expect(view!.subtitle).toBe('No restore jobs in secondary regions in the vaults in scope.');
  expect(view!.text).toEqual([
    'bv-dev-eastus2: Cross Region Restore is not available, so it has no secondary-region jobs.',
  ]);
});

it('jobs with an unknown vault suggests the closest name', async () => {
  const [view] = await new Chat(h.app).say(requester, 'jobs bv-prd-eastus');
  expect(view!.error!.message).toBe('No vault in scope is called bv-prd-eastus. Did you mean bv-prod-eastus?');
});

it('status shows a request with its job, a job by id, and says when neither exists', async () => {
  const chat = new Chat(h.app);
  const [request] = await chat.say(requester, `status ${requestId.toLowerCase()}`);
  expect(request!.title).toBe(`Request ${requestId}: Running`);
  expect(fact(request!, 'State')).toBe('Running');
  expect(fact(request!, 'Job')).toBe(jobGuid);
  expect(fact(request!, 'Status')).toBe('In progress');

  const [job] = await chat.say(requester, `status ${jobGuid}`);
  expect(job!.title).toBe(`Restore job ${jobGuid}`);
  expect(fact(job!, 'Server')).toBe('pg-orders-prod');

  const [missing] = await chat.say(requester, 'status R-2345');
  expect(missing!.error!.message).toBe('No request or restore job R-2345 was found.');
  const [bare] = await chat.say(requester, 'status');
  expect(bare!.error!.code).toBe('STATUS_NEEDS_ID');
});

it('vaults shows each vault posture with warnings (test/dialogs/vault-posture.test.ts has every kind)', async () => {
  const [view] = await new Chat(h.app).say(requester, 'vaults');
  expect(view!.rows!.map((r) => r.title)).toEqual(['bv-prod-eastus', 'bv-dev-eastus2']);
  const [prod, dev] = view!.rows!;
  expect(Object.fromEntries(prod!.facts.map((f) => [f.label, f.value]))).toMatchObject({
    Region: 'eastus',
    'Secondary region': 'westus',
    'Storage redundancy': 'GeoRedundant',
    'Cross Region Restore': 'Enabled (irreversible)',
    Immutability: 'Unlocked (enabled, can be turned off)',
    'Soft delete': 'On, deleted backups kept 14 days',
    'PostgreSQL servers': '2 (pg-orders-prod, pg-payments-prod)',
  });
  expect(prod!.warnings).toEqual([]);
  expect(dev!.warnings).toEqual([
    'Cross Region Restore is impossible on bv-dev-eastus2: it is LocallyRedundant, so its backups exist only in eastus2, and storage redundancy cannot be changed now that items are protected. An outage of eastus2 leaves nothing to restore from.',
    'Immutability is Disabled on bv-dev-eastus2: its recovery points could be deleted early. Consider enabling it with /restore vaults.',
  ]);
  const [one] = await new Chat(h.app).say(requester, 'vaults bv-dev');
  expect(one!.rows!.map((r) => r.title)).toEqual(['bv-dev-eastus2']);
});

it('help lists every command', async () => {
  const [view] = await new Chat(h.app).say(requester, '/restore help');
  expect(view!.facts!.map((f) => f.label.split(' ')[0])).toEqual([
    'restore',
    'restore',
    'jobs',
    'status',
    'vaults',
    'cancel',
    'help',
  ]);
});
