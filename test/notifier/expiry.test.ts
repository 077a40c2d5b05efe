/**
 * Timed expiry without a click: a request whose approval window closed is moved to `expired` by the service,
 * every copy of its card turns *Expired*, and the requester is told in the thread by name — once, however
 * many replicas run the timer, and also when a crash came between the expiry and the notice.
 */

import { ApprovalMessages } from '../../src/dialogs/approval/approval-messages';
import type { MessageRef } from '../../src/dialogs/ports';
import { createDraftRequest, type Policy, type RestoreRequest, transition } from '../../src/restore';
import type { RestoreService } from '../../src/restore/service';
import { openStore, type Store } from '../../src/store';
import { clockAhead, loadDemoPolicy, PROD_VAULT_ID, serviceFor, startDemoEmulator } from '../restore/service/support';
import { APPROVALS_CHANNEL, nextRequestId, REQUESTER } from './fixtures';
import { auditEvents, cycleUntil, fastClient, notifierFor, ThreadRecorder } from './support';

jest.setTimeout(60_000);

let emulator: { url: string; close(): Promise<void> };
let store: Store;
let policy: Policy;
let service: RestoreService;

beforeAll(async () => {
  emulator = await startDemoEmulator();
  store = await openStore({ dataDir: 'memory://' });
  policy = await loadDemoPolicy();
  service = serviceFor({ store, client: fastClient(emulator.url), policy });
});
afterAll(async () => {
  await store.close();
  await emulator.close();
});

/** A request awaiting approval whose window closed a second ago, with its card posted in two places. */
async function overdueRequest(): Promise<{ request: RestoreRequest; copies: MessageRef[] }> {
  const now = new Date();
  const draft = createDraftRequest(
    {
      kind: 'restore',
      id: nextRequestId(),
      requester: REQUESTER,
      vault: { id: PROD_VAULT_ID, name: 'bv-prod-eastus', location: 'eastus' },
      backupInstance: {
        id: `${PROD_VAULT_ID}/backupInstances/pg-orders-prod-1`,
        name: 'pg-orders-prod-1',
        serverName: 'pg-orders-prod',
      },
      regionMode: 'primary',
      recoveryPoint: { id: 'rp-1', time: '2026-11-20T14:00:00Z' },
      target: {
        name: 'dr-eastus',
        region: 'eastus',
        containerUrl: 'https://stcontosodreus.blob.core.windows.net/pg-restores',
      },
      requiredApprovals: 1,
      postTo: { channel: 'teams', conversationId: APPROVALS_CHANNEL },
    },
    new Date(now.getTime() - 3_600_000),
  );
  const validation = {
    ok: true,
    checkedAt: now.toISOString(),
    failures: [],
    warnings: [],
    azure: { status: 'Succeeded' as const },
  };
  const offered = transition(
    draft,
    { type: 'submit', validation, expiresAt: new Date(now.getTime() - 1_000).toISOString() },
    now,
  );
  await store.requests.insert({
    id: offered.id,
    kind: 'restore',
    state: offered.state,
    data: offered,
    expiresAt: new Date(offered.expiresAt!),
  });
  const copies: MessageRef[] = [
    {
      channel: 'teams',
      conversationId: APPROVALS_CHANNEL,
      messageId: `card-${offered.id}`,
      threadId: `card-${offered.id}`,
    },
    { channel: 'teams', conversationId: 'a:personal-alex', messageId: `copy-${offered.id}` },
  ];
  const approvals = new ApprovalMessages(store.conversations);
  await approvals.open(offered.id);
  for (const copy of copies) await approvals.addMessage(offered.id, copy);
  return { request: offered, copies };
}

const expiredNotice = (id: string) => `${id} expired without a decision; Alex Wilber can ask again with /restore.`;

test('three replicas: every card copy turns Expired, and the requester is told once, by name', async () => {
  const poster = new ThreadRecorder('teams');
  const replicas = [1, 2, 3].map((n) =>
    notifierFor({ store, poster, service, emulatorUrl: emulator.url, owner: `r${n}` }),
  );
  const overdue = await Promise.all([overdueRequest(), overdueRequest()]);
  await cycleUntil(replicas, () => overdue.every(({ request }) => poster.withKey(`${request.id}:expired`).length > 0));
  for (let i = 0; i < 3; i++) await Promise.all(replicas.map((r) => r.runOnce()));

  for (const { request, copies } of overdue) {
    expect((await store.requests.get(request.id))!.state).toBe('expired');
    const notices = poster.withKey(`${request.id}:expired`);
    expect(notices.map((n) => n.view.title)).toEqual([expiredNotice(request.id)]);
    expect(notices[0]!.thread).toEqual(copies[0]);
    for (const copy of copies) {
      const updates = poster.updates.filter((u) => u.message.messageId === copy.messageId);
      expect(updates.length).toBeGreaterThan(0);
      for (const u of updates) {
        expect(u.view.subtitle).toMatch(/^Expired at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC without a decision$/);
        expect(u.view.actions).toBeUndefined();
      }
    }
    const expiredEvents = (await auditEvents(store)).filter((e) => e.requestId === request.id && e.type === 'expired');
    expect(expiredEvents).toHaveLength(1);
  }
  await Promise.all(replicas.map((r) => r.stop()));
});

describe('a crash between the expiry and the notice', () => {
  /** The expiry happened and its marker was claimed, but the process died before the notice. */
  async function leftBehind() {
    const { request, copies } = await overdueRequest();
    expect(await store.idempotency.claim(`${request.id}:expired`, 86_400_000)).toBe(true);
    const [expired] = (await service.expireDue(new Date())).filter((r) => r.id === request.id);
    expect(expired?.state).toBe('expired');
    return { request, copies };
  }

  test('Slack-like channel: the catch-up finds no notice and sends it, once', async () => {
    const poster = new ThreadRecorder('slack');
    const { request } = await leftBehind();
    // A minute later (claims younger than that may be a notice in flight), on a restarted replica.
    const notifier = notifierFor({ store, poster, service, emulatorUrl: emulator.url, now: clockAhead(90_000) });
    await notifier.runOnce();
    await notifier.runOnce();
    expect(poster.withKey(`${request.id}:expired`).map((n) => [n.view.title, n.view.footer])).toEqual([
      [expiredNotice(request.id), undefined],
    ]);
    await notifier.stop();
  });

  test('Teams: the notice is sent again with a note that it may repeat, once', async () => {
    const poster = new ThreadRecorder('teams');
    const { request } = await leftBehind();
    const notifier = notifierFor({ store, poster, service, emulatorUrl: emulator.url, now: clockAhead(90_000) });
    await notifier.runOnce();
    await notifier.runOnce();
    const notices = poster.withKey(`${request.id}:expired`);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.view.footer).toMatch(/you may see this message twice/);
    await notifier.stop();
  });

  test('a request a click expired (it answers in the thread itself) is left to the click', async () => {
    const poster = new ThreadRecorder('slack');
    const { request } = await overdueRequest();
    await service.expireDue(new Date());
    const notifier = notifierFor({ store, poster, service, emulatorUrl: emulator.url, now: clockAhead(90_000) });
    await notifier.runOnce();
    expect(poster.withKey(`${request.id}:expired`)).toEqual([]);
    await notifier.stop();
  });
});
