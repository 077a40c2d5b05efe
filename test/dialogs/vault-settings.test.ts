/**
 * Journey 5 through the conversation: posture buttons → a private confirmation → a vault-setting request behind
 * the same approval card as restores → one PATCH → the result in the approval thread. Also every way a click
 * can be wrong (forged, stale, someone else's, repeated, a change that cannot be made), each changing nothing.
 */
import { say } from '../../src/dialogs';
import { vaultKey } from '../../src/dialogs/data/vaults';
import { announceVaultSettingOutcomes } from '../../src/dialogs/settings/announce';
import type { Action, ListRow, View } from '../../src/dialogs/views';
import { silentLogger } from '../../src/log';
import { NO_USER_GROUPS, Policy, policyFromData } from '../../src/restore';
import { RestoreService } from '../../src/restore/service';
import { resetEmulator } from '../restore/service/support';
import { postureSeed, VAULTS, vaultIdOf, vaultPatches } from '../restore/service/vault-setting-seed';
import {
  action,
  approver,
  bystander,
  Chat,
  clickOn,
  fact,
  type Harness,
  last,
  oncallChannel,
  requester,
  secondApprover,
  startHarness,
  TEST_POLICY,
} from './support';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await resetEmulator(h.emulatorUrl, postureSeed() as unknown as Record<string, unknown>);
  h.poster.opensPrivateChats = true;
  h.poster.privateChatsUnreachable = false;
  h.clock.offsetMs = 0;
  // One store for the file: withdraw what an earlier test left open (one open request per vault setting).
  for (const open of await h.store.requests.list({ kind: 'vault-setting', states: ['awaiting_approval'] })) {
    await h.service.cancel(open.id, requester, 'test cleanup');
  }
});

function row(view: View, name: string): ListRow {
  const found = view.rows?.find((r) => r.title === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
}

function button(r: ListRow, label: string): Action {
  const found = r.actions?.find((a) => a.label === label);
  if (!found) throw new Error(`no button "${label}" on ${r.title}: ${r.actions?.map((a) => a.label).join(', ')}`);
  return found;
}

/** Types `vaults` in a channel thread and clicks `label` on `vault`'s row; the confirmation goes to the 1:1 chat. */
async function askInChannel(vault: string, label: string, who = requester) {
  const thread = new Chat(h.app);
  const [posture] = await thread.say(who, 'vaults');
  const inThread = await thread.submit(who, button(row(posture!, vault), label));
  const { target, views } = last(h.poster.proactive);
  const privateChat = new Chat(h.app, { conversationId: target.conversationId, personal: true });
  return { thread, inThread, confirmation: last(views), privateChat, posture: posture! };
}

async function requestIt(chat: Chat, confirmation: View, inputs: Record<string, string> = {}) {
  const posts = h.poster.posts.length;
  const [answer] = await chat.submit(requester, action(confirmation, 'vault-setting-confirm'), inputs);
  return { answer: answer!, approval: h.poster.posts.length > posts ? last(h.poster.posts) : undefined };
}

async function vaultSettingRequests() {
  return h.store.requests.list({ kind: 'vault-setting', limit: 1000 });
}

test('Enable immutability: confirmed in private, approved in the channel, one PATCH, the result in the thread', async () => {
  const { inThread, confirmation, privateChat } = await askInChannel(VAULTS.grsNoCrr, 'Enable immutability');
  expect(inThread.map((v) => v.title)).toEqual([
    say('VAULT_SETTING_CONFIRM_PRIVATELY', { name: requester.displayName }),
  ]);
  expect(confirmation.title).toBe('Enable immutability on bv-grs-nocrr?');
  expect(fact(confirmation, 'Change')).toBe('Enable immutability (Disabled → Unlocked)');
  expect(fact(confirmation, 'Reversible')).toBe('Yes');
  expect(confirmation.warnings).toEqual([]);
  expect(confirmation.actions!.map((a) => [a.label, Object.keys(a.data)])).toEqual([
    ['Request approval', ['token']],
    ['Cancel', ['token']],
  ]);

  const { answer, approval } = await requestIt(privateChat, confirmation);
  expect(answer.title).toMatch(/^Approval requested: R-/);
  const requestId = fact(answer, 'Request')!;
  // Asked in the on-call channel: the approval card goes there, as a restore's would.
  expect(approval!.target.conversationId).toBe(oncallChannel.conversationId);
  expect(approval!.view.title).toBe(`Vault change approval: ${requestId}`);
  expect(fact(approval!.view, 'Change')).toBe('Enable immutability (→ Unlocked)');
  expect(approval!.view.text).toEqual([`${requester.displayName} asks to enable immutability on bv-grs-nocrr.`]);
  expect(approval!.view.actions!.map((a) => a.label)).toEqual(['Approve', 'Reject']);
  expect(await vaultPatches(h.emulatorUrl)).toEqual([]);

  const self = await clickOn(h.app, requester, approval!.view, 'approve');
  expect(self.notice).toMatch(/you cannot approve or reject it/);
  const click = await clickOn(h.app, approver, approval!.view, 'approve');
  expect(click.view.subtitle).toMatch(/^Approved by Avery Approver at .+ UTC$/);
  await click.afterResponse!();

  expect(await vaultPatches(h.emulatorUrl, VAULTS.grsNoCrr)).toHaveLength(1);
  expect(last(h.poster.replies).view.title).toBe(`${requestId}: Immutability is now Unlocked on bv-grs-nocrr.`);
  expect(last(h.poster.updates).view.footer).toBe('Vault change: Completed');
  expect((await h.service.get(requestId))!.state).toBe('succeeded');
  // The posture shows it, and the button is gone.
  const [after] = await new Chat(h.app).say(requester, 'vaults bv-grs-nocrr');
  expect(fact({ kind: 'list', title: '', facts: after!.rows![0]!.facts }, 'Immutability')).toBe(
    'Unlocked (enabled, can be turned off)',
  );
  expect(after!.rows![0]!.actions!.map((a) => a.label)).toEqual(['Enable Cross Region Restore', 'Lock immutability']);
});

test('Enable Cross Region Restore says it is irreversible, costs extra and takes up to 48 h; approved, one PATCH', async () => {
  const { confirmation, privateChat } = await askInChannel(VAULTS.grsNoCrr, 'Enable Cross Region Restore');
  expect(fact(confirmation, 'Reversible')).toBe('No: this cannot be undone');
  expect(confirmation.warnings).toEqual([
    'Enabling Cross Region Restore on bv-grs-nocrr cannot be undone and costs extra (storage in the secondary region and cross-region restores are billed); backup items can take up to 48 h to appear in northeurope.',
  ]);
  const { answer, approval } = await requestIt(privateChat, confirmation);
  const requestId = fact(answer, 'Request')!;
  expect(approval!.view.warnings).toEqual(confirmation.warnings);

  const click = await clickOn(h.app, approver, approval!.view, 'approve');
  await click.afterResponse!();
  expect(await vaultPatches(h.emulatorUrl, VAULTS.grsNoCrr)).toHaveLength(1);
  const reply = last(h.poster.replies).view;
  expect(reply.title).toBe(`${requestId}: Cross Region Restore is now Enabled on bv-grs-nocrr.`);
  expect(reply.text).toEqual([say('VAULT_SETTING_DONE_CRR')]);
});

test('Lock immutability needs the vault name typed: a wrong one is refused; double clicks and two approvers make one PATCH', async () => {
  const { confirmation, privateChat } = await askInChannel(VAULTS.grsNoCrr, 'Lock immutability');
  const input = confirmation.inputs!.find((i) => i.id === 'vaultName')!;
  expect(input.label).toBe("Type the vault's name, bv-grs-nocrr, to confirm");
  expect(action(confirmation, 'vault-setting-confirm').requires).toEqual(['vaultName']);
  expect(confirmation.warnings).toEqual([
    expect.stringMatching(/^Locking immutability on bv-grs-nocrr cannot be undone/),
  ]);
  const before = (await vaultSettingRequests()).length;

  for (const typed of ['', 'bv-grs', 'BV-GRS-NOCRR', 'bv-grs-crr']) {
    const { answer, approval } = await requestIt(privateChat, confirmation, { vaultName: typed });
    expect(answer.error!.code).toBe('VAULT_SETTING_NAME_MISMATCH');
    expect(approval).toBeUndefined();
  }
  expect(await vaultSettingRequests()).toHaveLength(before);

  // Two clicks on Request approval at once: one request, one approval card.
  const posts = h.poster.posts.length;
  const both = await Promise.all([
    privateChat.submit(requester, action(confirmation, 'vault-setting-confirm'), { vaultName: ' bv-grs-nocrr ' }),
    new Chat(h.app, privateChat.place).submit(requester, action(confirmation, 'vault-setting-confirm'), {
      vaultName: 'bv-grs-nocrr',
    }),
  ]);
  expect(h.poster.posts.length - posts).toBe(1);
  const titles = both.map(([v]) => v!.title).sort();
  expect(titles[0]).toMatch(/^Approval requested: R-/);
  expect(titles[1]).toMatch(/^(This change cannot be requested|Nothing changed)$/);
  const approval = last(h.poster.posts);
  const requestId = fact(approval.view, 'Request')!;
  // Clicking again later says it was used.
  const [again] = await privateChat.submit(requester, action(confirmation, 'vault-setting-confirm'), {
    vaultName: 'bv-grs-nocrr',
  });
  expect(again!.error).toEqual({
    code: 'VAULT_SETTING_CONFIRMATION_USED',
    message: say('VAULT_SETTING_CONFIRMATION_USED', { requestId }),
  });

  // Two approvers and a double click, all at once.
  const clicks = await Promise.all([
    clickOn(h.app, approver, approval.view, 'approve'),
    clickOn(h.app, approver, approval.view, 'approve'),
    clickOn(h.app, secondApprover, approval.view, 'approve'),
  ]);
  await Promise.all(clicks.map((c) => c.afterResponse?.()));
  expect(clicks.filter((c) => c.afterResponse && !c.notice)).toHaveLength(1);
  expect(await vaultPatches(h.emulatorUrl, VAULTS.grsNoCrr)).toHaveLength(1);
  expect((await h.service.get(requestId))!.state).toBe('succeeded');
  expect(last(h.poster.replies).view.title).toBe(`${requestId}: Immutability is now Locked on bv-grs-nocrr.`);
});

test('irreversible and impossible changes are refused back, with the reason, even from a forged button', async () => {
  const thread = new Chat(h.app);
  const [posture] = await thread.say(requester, 'vaults');
  // No button is offered for them...
  expect(row(posture!, VAULTS.lrs).actions).toBeUndefined();
  // ...and a button made up with a real vault key (the digest the dialog uses) is refused with the reason.
  const keyOf = (name: string) => vaultKey(vaultIdOf(name));
  const cases: [string, string, string][] = [
    [VAULTS.lrs, 'enable-immutability', 'VAULT_SETTING_IRREVERSIBLE'],
    [VAULTS.lrs, 'enable-crr', 'VAULT_SETTING_CRR_NEEDS_GEO_REDUNDANT'],
    [VAULTS.zrs, 'enable-crr', 'VAULT_SETTING_CRR_NEEDS_GEO_REDUNDANT'],
    [VAULTS.grsCrr, 'enable-crr', 'VAULT_SETTING_ALREADY_SET'],
    [VAULTS.stale, 'lock-immutability', 'VAULT_SETTING_ALREADY_SET'],
  ];
  const proactive = h.poster.proactive.length;
  for (const [vault, change, code] of cases) {
    const [answer] = await thread.submit(requester, {
      id: 'vault-setting',
      label: 'forged',
      data: { vault: keyOf(vault), change },
    });
    expect(answer!.error!.code).toBe(code);
    expect(answer!.title).toBe('This change cannot be requested');
  }
  expect(h.poster.proactive).toHaveLength(proactive);
  expect(await vaultPatches(h.emulatorUrl)).toEqual([]);
});

test('forged, stale, foreign and repeated clicks change nothing and say why', async () => {
  const thread = new Chat(h.app);
  const [posture] = await thread.say(requester, 'vaults');
  const real = button(row(posture!, VAULTS.grsNoCrr), 'Enable immutability');
  const before = (await vaultSettingRequests()).length;
  const forged = async (data: Record<string, string>) =>
    (await thread.submit(requester, { id: 'vault-setting', label: 'x', data }))[0]!.error!.code;

  expect(await forged({ ...real.data, vault: 'v:AAAAAAAAAAAA' })).toBe('VAULT_NOT_IN_SCOPE');
  expect(
    await forged({
      ...real.data,
      vault:
        '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv-grs-nocrr',
    }),
  ).toBe('VAULT_NOT_IN_SCOPE');
  expect(await forged({ ...real.data, change: 'disable-crr' })).toBe('VAULT_SETTING_BUTTON_INVALID');
  const confirmForged = await thread.submit(requester, {
    id: 'vault-setting-confirm',
    label: 'x',
    data: { token: 'A'.repeat(22) },
  });
  expect(confirmForged[0]!.error!.code).toBe('VAULT_SETTING_BUTTON_INVALID');

  // A genuine confirmation: someone else cannot use it; the owner can cancel it, and then it is closed.
  const { confirmation, privateChat } = await askInChannel(VAULTS.grsNoCrr, 'Enable immutability');
  const [foreign] = await privateChat.submit(bystander, action(confirmation, 'vault-setting-confirm'));
  expect(foreign!.error).toEqual({
    code: 'VAULT_SETTING_NOT_YOURS',
    message: say('VAULT_SETTING_NOT_YOURS', { name: requester.displayName }),
  });
  const [cancelled] = await privateChat.submit(requester, action(confirmation, 'vault-setting-cancel'));
  expect(cancelled!.title).toBe(say('VAULT_SETTING_CANCELLED'));
  const [afterCancel] = await privateChat.submit(requester, action(confirmation, 'vault-setting-confirm'));
  expect(afterCancel!.error!.code).toBe('VAULT_SETTING_CONFIRMATION_CANCELLED');

  // A confirmation left too long expires.
  const stale = await askInChannel(VAULTS.grsNoCrr, 'Enable immutability');
  h.clock.offsetMs = 16 * 60_000;
  const [expired] = await stale.privateChat.submit(requester, action(stale.confirmation, 'vault-setting-confirm'));
  expect(expired!.error!.code).toBe('VAULT_SETTING_CONFIRMATION_EXPIRED');

  // A posture button from before the vault changed: checked against the vault as it is now.
  h.clock.offsetMs = 0;
  const lock = await askInChannel(VAULTS.grsNoCrr, 'Lock immutability');
  const { approval } = await requestIt(lock.privateChat, lock.confirmation, { vaultName: 'bv-grs-nocrr' });
  await (await clickOn(h.app, approver, approval!.view, 'approve')).afterResponse!();
  const [staleAsk] = await thread.submit(requester, real);
  expect(staleAsk!.error!.code).toBe('VAULT_SETTING_IRREVERSIBLE');
  expect(staleAsk!.error!.message).toBe(
    'Immutability is Locked on bv-grs-nocrr, which can never be undone; it cannot be set to Unlocked.',
  );

  expect((await vaultSettingRequests()).length - before).toBe(1);
  expect(await vaultPatches(h.emulatorUrl)).toHaveLength(1);
});

test('when no 1:1 chat can be opened the confirmation stays in the thread, and says so', async () => {
  h.poster.opensPrivateChats = false;
  const thread = new Chat(h.app);
  const [posture] = await thread.say(requester, 'vaults');
  const [confirmation] = await thread.submit(requester, button(row(posture!, VAULTS.grsNoCrr), 'Enable immutability'));
  expect(confirmation!.title).toBe('Enable immutability on bv-grs-nocrr?');
  expect(confirmation!.text![0]).toBe(say('VAULT_SETTING_PRIVATE_CHAT_UNAVAILABLE'));
  const [answer] = await thread.submit(requester, action(confirmation!, 'vault-setting-confirm'));
  expect(answer!.title).toMatch(/^Approval requested: R-/);
});

test('a change that recovery finishes after a crash is announced in the approval thread, once', async () => {
  const { confirmation, privateChat } = await askInChannel(VAULTS.grsNoCrr, 'Enable Cross Region Restore');
  const { answer, approval } = await requestIt(privateChat, confirmation);
  const requestId = fact(answer, 'Request')!;
  const base = policyFromData(TEST_POLICY, 'test policy');
  const policy = new Policy(base.config, base.source);
  const replica = (now: () => Date, crash?: (point: string) => void) =>
    new RestoreService({
      store: h.store,
      policy,
      azure: h.client,
      userGroups: NO_USER_GROUPS,
      now,
      logger: silentLogger,
      options: {
        crashHook: (point) => {
          if (point === 'after-record') crash?.(point);
        },
      },
    });
  // The approving replica dies right after Azure accepted the PATCH.
  const dying = replica(h.clock.now, (point) => {
    throw new Error(`simulated crash at ${point}`);
  });
  await dying.approve(requestId, approver, oncallChannel);
  expect((await h.service.get(requestId))!.state).toBe('running');

  const replies = h.poster.replies.length;
  const restarted = replica(() => new Date(Date.now() + 5 * 60_000));
  const entries = await restarted.recover();
  const deps = {
    poster: h.poster,
    now: h.clock.now,
    logger: silentLogger,
    storage: h.store.dialogState,
    conversations: h.store.conversations,
  };
  expect(await announceVaultSettingOutcomes(deps, entries)).toBe(1);
  expect(await announceVaultSettingOutcomes(deps, await restarted.recover())).toBe(0);

  expect(h.poster.replies.length - replies).toBe(1);
  const reply = last(h.poster.replies);
  expect(reply.thread.messageId).toBe(approval!.ref.messageId);
  expect(reply.view.title).toBe(`${requestId}: Cross Region Restore is now Enabled on bv-grs-nocrr.`);
  expect(last(h.poster.updates).view.footer).toBe('Vault change: Completed');
  expect(await vaultPatches(h.emulatorUrl, VAULTS.grsNoCrr)).toHaveLength(1);
});
