/**
 * Journey 5 (issue 7) in Slack, over signed HTTP against the whole bot (startBot with the demo's configuration):
 * `/restore vaults` in #oncall shows the posture in the requester's modal; a posture button turns the modal into
 * the confirmation (Request approval / Cancel, carrying only a token; Lock also asks for the vault's name); the
 * approval request is posted in the channel the command was typed in, approvers click in Slack, and the
 * emulator's request log is the witness of exactly one PATCH per approved change. Every modal and message the
 * app sent passes the Block Kit validator.
 */
import { vaultKey } from '../../../src/dialogs/data/vaults';
import type { FakeSlackMessage } from '../../fakes/slack-api';
import { interactionBody } from '../../fakes/slack-signer';
import { waitFor } from '../../restore/service/support';
import { postureSeed, VAULTS, vaultIdOf, vaultPatches } from '../../restore/service/vault-setting-seed';
import { type SlackWorld, startSlackWorld } from './harness';
import {
  buttonLabels,
  buttonsOf,
  CHANNEL,
  factOf,
  type Json,
  type SlackUser,
  USERS,
  visibleText,
} from './slack-driver';

jest.setTimeout(40_000);

const { alice, approver, dba } = USERS;

let world: SlackWorld;

beforeAll(async () => {
  world = await startSlackWorld({ seed: postureSeed() });
});

afterAll(async () => {
  await world?.close();
});

/** `/restore vaults <name>` as `who`: the modal it opened, showing that vault's posture. */
async function postureOf(name: string, who: SlackUser = alice): Promise<string> {
  await world.driver.command(who, `vaults ${name}`);
  const viewId = world.driver.lastModalId();
  expect(world.driver.headers(viewId)).toEqual(['Backup vaults']);
  return viewId;
}

/** Top-level messages the bot posted in #oncall (approval requests). */
const channelPosts = () => world.fake.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts);

/** The thread reply that says how the change ended, once the bot posts it. */
function resultReply(approval: FakeSlackMessage, text: string) {
  return world.fake.waitFor(
    'chat.postMessage',
    (c) => c.args.thread_ts === approval.ts && String(c.args.text).includes(text),
    15_000,
  );
}

/**
 * A click on a button of the posture modal whose value was written by someone else (Slack passes whatever the
 * client sends): the same payload Slack would post, with `value` in place of the button's own.
 */
async function forgedPostureClick(who: SlackUser, viewId: string, value: Record<string, string>) {
  const { driver, fake } = world;
  const stored = fake.view(viewId)!;
  const button = buttonsOf(stored.view.blocks)[0];
  const payload: Json = {
    type: 'block_actions',
    team: { id: driver.teamId, domain: 'demo' },
    user: { id: who.id, username: who.name.split(' ')[0]!.toLowerCase(), name: who.name, team_id: driver.teamId },
    api_app_id: 'A0RESTORE',
    trigger_id: fake.triggerId(viewId),
    container: { type: 'view', view_id: viewId },
    view: {
      id: viewId,
      hash: stored.hash,
      type: 'modal',
      callback_id: stored.view.callback_id,
      private_metadata: stored.view.private_metadata ?? '',
      blocks: stored.view.blocks,
      state: { values: {} },
      root_view_id: stored.rootId,
      app_id: 'A0RESTORE',
      team_id: driver.teamId,
    },
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        value: JSON.stringify(value),
        text: button.text,
        action_ts: `${Math.floor(Date.now() / 1000)}.424242`,
      },
    ],
  };
  const response = await driver.send('block_actions', interactionBody(payload));
  await world.bot.slack!.idle();
  return response;
}

test('/restore vaults: the posture in a modal, with a button only for the changes each vault can take', async () => {
  const { driver } = world;
  const all = await postureOf('');
  const text = driver.text(all);
  expect(text).toContain('Cross Region Restore is impossible on bv-lrs');
  expect(text).toContain('Soft delete is Off on bv-grs-nocrr');

  expect(buttonLabels(driver.modal(await postureOf(VAULTS.grsNoCrr)).blocks)).toEqual([
    'Enable Cross Region Restore',
    'Enable immutability',
    'Lock immutability',
  ]);
  expect(buttonLabels(driver.modal(await postureOf(VAULTS.grsCrr)).blocks)).toEqual(['Lock immutability']);
  // LocallyRedundant and already Locked: nothing to offer.
  const lrs = await postureOf(VAULTS.lrs);
  expect(buttonLabels(driver.modal(lrs).blocks)).toEqual([]);
  expect(driver.text(lrs)).toContain('Disabled (impossible on LocallyRedundant)');

  // Buttons carry the vault's short key and the change's key, never an ARM id.
  for (const button of buttonsOf(driver.modal(all).blocks)) {
    const value = JSON.parse(button.value);
    expect(Object.keys(value).sort()).toEqual(['action', 'change', 'vault']);
    expect(value.vault).toMatch(/^v:[A-Za-z0-9_-]{12}$/);
    expect(button.value).not.toContain('/subscriptions/');
  }
});

describe('Enable immutability, requested in the modal and approved in #oncall', () => {
  let viewId: string;
  let requestId: string;
  let approval: FakeSlackMessage;

  test('the posture button turns the modal into the confirmation, whose buttons carry only a token', async () => {
    const { driver } = world;
    viewId = await postureOf(VAULTS.grsNoCrr);
    const response = await driver.clickInModal(alice, viewId, 'Enable immutability');
    expect(response.status).toBe(200);
    const modal = driver.modal(viewId);
    expect(driver.headers(viewId)).toEqual(['Enable immutability on bv-grs-nocrr?']);
    expect(factOf(modal.blocks, 'Change')).toBe('Enable immutability (Disabled → Unlocked)');
    expect(factOf(modal.blocks, 'Reversible')).toBe('Yes');
    // Request approval is the modal's submit; Cancel is the one button. Both name the same stored confirmation.
    expect(modal.submit.text).toBe('Request approval');
    expect(buttonLabels(modal.blocks)).toEqual(['Cancel']);
    const submit = JSON.parse(modal.private_metadata).submit;
    const cancel = JSON.parse(buttonsOf(modal.blocks)[0].value);
    expect(submit).toEqual({ action: 'vault-setting-confirm', token: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/) });
    expect(cancel).toEqual({ action: 'vault-setting-cancel', token: submit.token });
    expect(await vaultPatches(world.emulator.url)).toEqual([]);
  });

  test('Request approval posts the request in #oncall, where the command was typed', async () => {
    const { driver } = world;
    const before = channelPosts().length;
    const response = await driver.submit(alice, viewId, {});
    expect(JSON.parse(response.body).response_action).toBe('update');
    expect(driver.headers(viewId)[0]).toMatch(/^Approval requested: R-[2-9A-Z]{4}$/);
    requestId = factOf(driver.modal(viewId).blocks, 'Request')!;
    expect(channelPosts()).toHaveLength(before + 1);
    approval = structuredClone(driver.approvalMessage(CHANNEL));
    const blocks = approval.blocks as Json[];
    expect(visibleText(blocks)).toContain(`Vault change approval: ${requestId}`);
    expect(factOf(blocks, 'Requested by')).toBe('Alice Requester');
    expect(factOf(blocks, 'Change')).toBe('Enable immutability (→ Unlocked)');
    expect(buttonLabels(blocks)).toEqual(['Approve', 'Reject']);
    expect((await world.bot.service.get(requestId))!.state).toBe('awaiting_approval');
    expect(await vaultPatches(world.emulator.url)).toEqual([]);
  });

  test('Alice cannot approve her own change; Ada approves: the message is decided for everyone, one PATCH', async () => {
    const { driver, fake } = world;
    const mark = fake.calls.length;
    await driver.clickMessage(alice, approval, 'Approve');
    expect(driver.ephemeralsTo(alice, mark).join('\n')).toContain(
      `You asked for ${requestId}, so you cannot approve or reject it`,
    );
    expect(fake.calls.slice(mark).filter((c) => c.method === 'chat.update')).toEqual([]);

    const { response } = await driver.clickMessage(approver, approval, 'Approve');
    expect(response.status).toBe(200);
    await resultReply(approval, `${requestId}: Immutability is now Unlocked on bv-grs-nocrr.`);
    // The message itself (chat.update, seen by everyone): decided, no buttons, the change's outcome.
    const decided = fake.message(CHANNEL, approval.ts)!;
    expect(buttonLabels(decided.blocks as Json[])).toEqual([]);
    expect(visibleText(decided.blocks as Json[])).toMatch(
      /Approved by Ada Approver at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/,
    );
    await waitFor('the message to say the change completed', async () =>
      visibleText(fake.message(CHANNEL, approval.ts)!.blocks as Json[]).includes('Vault change: Completed')
        ? true
        : undefined,
    );
    expect(await vaultPatches(world.emulator.url, VAULTS.grsNoCrr)).toHaveLength(1);
    expect((await world.bot.service.get(requestId))!.state).toBe('succeeded');
  });
});

describe('Lock immutability needs the vault name typed', () => {
  test('an empty name is refused in the ack, a wrong one by the bot; nothing is requested', async () => {
    const { driver, bot } = world;
    const viewId = await postureOf(VAULTS.grsCrr);
    await driver.clickInModal(alice, viewId, 'Lock immutability');
    const modal = driver.modal(viewId);
    expect(driver.headers(viewId)).toEqual(['Lock immutability on bv-grs-crr?']);
    expect(factOf(modal.blocks, 'Reversible')).toBe('No: this cannot be undone');
    const input = modal.blocks.find((b: Json) => b.type === 'input');
    expect(input.element.type).toBe('plain_text_input');
    expect(input.label.text).toBe("Type the vault's name, bv-grs-crr, to confirm");
    expect(modal.submit.text).toBe('Request approval');

    const before = channelPosts().length;
    const empty = await driver.submit(alice, viewId, { vaultName: '' });
    const errors = JSON.parse(empty.body);
    expect(errors.response_action).toBe('errors');
    expect(Object.keys(errors.errors)).toEqual([input.block_id]);

    const wrong = await driver.submit(alice, viewId, { vaultName: 'bv-grs' });
    expect(JSON.parse(wrong.body).response_action).toBe('update');
    expect(driver.text(viewId)).toContain(`"bv-grs" is not the vault's name: type bv-grs-crr exactly`);
    expect(driver.text(viewId)).toContain('VAULT_SETTING_NAME_MISMATCH');
    expect(channelPosts()).toHaveLength(before);
    const requests = await bot.store.requests.list<{ vault?: { name?: string } }>({ kind: 'vault-setting' });
    const locks = requests.filter((r) => r.data.vault?.name === VAULTS.grsCrr);
    expect(locks).toEqual([]);
  });

  test('typed right, approved by two approvers at once (one twice): one PATCH, then nothing more to lock', async () => {
    const { driver, fake } = world;
    const viewId = await postureOf(VAULTS.grsCrr);
    await driver.clickInModal(alice, viewId, 'Lock immutability');
    await driver.submit(alice, viewId, { vaultName: ' bv-grs-crr ' });
    const requestId = factOf(driver.modal(viewId).blocks, 'Request')!;
    expect(requestId).toMatch(/^R-[2-9A-Z]{4}$/);
    const approval = structuredClone(driver.approvalMessage(CHANNEL));
    expect(factOf(approval.blocks as Json[], 'Change')).toBe('Lock immutability (→ Locked)');

    const mark = fake.calls.length;
    const clicks = await Promise.all([
      driver.clickMessage(approver, approval, 'Approve'),
      driver.clickMessage(approver, approval, 'Approve'),
      driver.clickMessage(dba, approval, 'Approve'),
    ]);
    expect(clicks.map((c) => c.response.status)).toEqual([200, 200, 200]);
    await resultReply(approval, `${requestId}: Immutability is now Locked on bv-grs-crr.`);
    // Two of the three clicks came too late and were told so, privately; the message was decided once.
    const told = [...driver.ephemeralsTo(approver, mark), ...driver.ephemeralsTo(dba, mark)];
    expect(told.filter((t) => t.includes(requestId))).toHaveLength(2);
    const audit = await world.bot.store.auditRows.forRequest(requestId);
    expect(audit.filter((r) => r.type === 'approved')).toHaveLength(1);
    expect(await vaultPatches(world.emulator.url, VAULTS.grsCrr)).toHaveLength(1);

    const after = await postureOf(VAULTS.grsCrr);
    expect(buttonLabels(driver.modal(after).blocks)).toEqual([]);
    expect(driver.text(after)).toContain('Locked (irreversible)');
  });
});

test('Enable Cross Region Restore on the LocallyRedundant vault is refused with the reason, even from a forged click', async () => {
  const { driver } = world;
  const before = await vaultPatches(world.emulator.url);
  const posts = channelPosts().length;
  const viewId = await postureOf(VAULTS.grsNoCrr);
  const response = await forgedPostureClick(alice, viewId, {
    action: 'vault-setting',
    vault: vaultKey(vaultIdOf(VAULTS.lrs)),
    change: 'enable-crr',
  });
  expect(response.status).toBe(200);
  expect(driver.headers(viewId)).toEqual(['This change cannot be requested']);
  expect(driver.text(viewId)).toContain('Cross Region Restore cannot be enabled on bv-lrs: it is LocallyRedundant');
  expect(await vaultPatches(world.emulator.url)).toEqual(before);
  expect(channelPosts()).toHaveLength(posts);
});

test('every modal and message the app sent passes the Block Kit validator, and every ack came within 1 s', () => {
  expect(world.driver.assertEverythingValid()).toBeGreaterThan(15);
  for (const call of world.fake.calls)
    expect({ method: call.method, ok: call.answer?.ok ?? true }).toEqual({
      method: call.method,
      ok: true,
    });
  for (const e of world.driver.exchanges)
    expect({ kind: e.kind, fast: e.ms < 1_000 }).toEqual({ kind: e.kind, fast: true });
});
