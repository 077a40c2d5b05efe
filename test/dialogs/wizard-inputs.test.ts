import { localTime, recoveryPointOptionsForQuery } from '../../src/dialogs';
import type { View } from '../../src/dialogs/views';
import { admin } from '../restore/service/support';
import { action, Chat, type Harness, last, requester, startHarness, teamsUser } from './support';

jest.setTimeout(60_000);

let h: Harness;
let pointTimes: string[];
beforeAll(async () => {
  h = await startHarness();
  const vault =
    '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus';
  const orders = (await h.client.listBackupInstances(vault).toArray()).find((i) =>
    i.name.startsWith('pg-orders-prod'),
  )!;
  pointTimes = (await h.client.listRecoveryPoints(orders.id).toArray())
    .map((p) => p.properties.recoveryPointTime)
    .sort()
    .reverse();
});
afterAll(() => h.close());

/** The wizard at pg-orders-prod's recovery point step, primary region. */
async function atPointStep(chat: Chat, actor = requester): Promise<View> {
  const views = await chat.say(actor, 'restore pg-orders-prod');
  const step = last(views);
  expect(step.title).toBe('Pick a recovery point');
  return step;
}

function utcMinute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

describe('typed times in the recovery point step', () => {
  it('"before 3h ago" picks the newest point at or before that time', async () => {
    const chat = new Chat(h.app);
    const step = await atPointStep(chat);
    const [, review] = await chat.submit(requester, action(step, 'time'), { time: 'before 3h ago' });
    expect(review!.title).toBe('Review the restore');
    expect(review!.facts!.find((f) => f.label === 'Recovery point')!.value).toContain(utcMinute(pointTimes[0]!));
    expect(review!.text!.join(' ')).toContain('Nearest point at or before "before 3h ago"');
  });

  it('a typed date and time picks the nearest point at or before it, typed as text too', async () => {
    const chat = new Chat(h.app);
    await atPointStep(chat);
    // One minute after the third newest point: that point, not the older fourth nor the newer second.
    const typed = utcMinute(new Date(Date.parse(pointTimes[2]!) + 60_000).toISOString());
    const [, review] = await chat.say(requester, typed);
    expect(review!.facts!.find((f) => f.label === 'Recovery point')!.value).toContain(utcMinute(pointTimes[2]!));
  });

  it('reads "yesterday 18:00" in UTC when the channel gives no time zone', async () => {
    const chat = new Chat(h.app);
    const step = await atPointStep(chat);
    const yesterday = new Date(Date.now() - 86_400_000);
    const limit = Date.UTC(yesterday.getUTCFullYear(), yesterday.getUTCMonth(), yesterday.getUTCDate(), 18, 0);
    const expected = pointTimes.find((t) => Date.parse(t) <= limit)!;
    const [, review] = await chat.submit(requester, action(step, 'time'), { time: 'yesterday 18:00' });
    expect(review!.facts!.find((f) => f.label === 'Recovery point')!.value).toContain(utcMinute(expected));
  });

  it("reads a typed time in the person's time zone and shows local times next to UTC", async () => {
    const berlin = teamsUser('user-id-2', 'Rita Requester', 'Europe/Berlin');
    const chat = new Chat(h.app, { conversationId: '19:berlin@thread.tacv2', channelId: '19:berlin@thread.tacv2' });
    const step = await atPointStep(chat, berlin);
    expect(step.choices!.options[0]!.label).toContain(`· ${localTime(new Date(pointTimes[0]!), 'Europe/Berlin')}`);
    expect(step.footer).toContain('Europe/Berlin');
    // 30 minutes before the second point, in Berlin time: read in Berlin it is before that point (so the third
    // is the nearest); read as UTC it would be after it.
    const typed = localTime(new Date(Date.parse(pointTimes[1]!) - 30 * 60_000), 'Europe/Berlin')!.replace(
      ' Europe/Berlin',
      '',
    );
    const [, review] = await chat.submit(berlin, action(step, 'time'), { time: typed });
    expect(review!.facts!.find((f) => f.label === 'Recovery point')!.value).toContain(utcMinute(pointTimes[2]!));
  });

  it('a malformed time gets a clear error and changes nothing', async () => {
    const chat = new Chat(h.app);
    const step = await atPointStep(chat);
    const [again] = await chat.submit(requester, action(step, 'time'), { time: 'next blursday-ish' });
    expect(again!.title).toBe('Pick a recovery point');
    expect(again!.error).toEqual({
      code: 'TIME_UNREADABLE',
      message:
        'I could not read "next blursday-ish" as a time. Try latest, 2026-11-20 14:00, yesterday 18:00 or before 3h ago.',
    });
    expect(again!.choices!.options).toEqual(step.choices!.options);
    // The step still works afterwards.
    const [, review] = await chat.choose(requester, again!, step.choices!.options[1]!.label);
    expect(review!.title).toBe('Review the restore');
  });

  it('pages through points 10 at a time, older and newer, always through $filter windows', async () => {
    await admin(h.emulatorUrl, 'DELETE', 'requests');
    const chat = new Chat(h.app);
    const step = await atPointStep(chat);
    const [older] = await chat.submit(requester, action(step, 'older'));
    expect(older!.choices!.page).toEqual({ index: 1, size: 2, hasPrevious: true, hasNext: false });
    expect(older!.choices!.options.map((o) => o.label.slice(0, 16))).toEqual(pointTimes.slice(10).map(utcMinute));
    expect(older!.actions!.map((a) => a.id)).toEqual(['choose', 'newer', 'time', 'back', 'cancel']);
    const [newer] = await chat.submit(requester, action(older!, 'newer'));
    expect(newer!.choices!.options).toEqual(step.choices!.options);
    const { requests } = (await admin(h.emulatorUrl, 'GET', 'requests')) as {
      requests: { path: string; query: string }[];
    };
    const lists = requests.filter((r) => r.path.endsWith('/recoveryPoints')).map((r) => decodeURIComponent(r.query));
    const windowed = lists.filter((query) => query.includes("startDate eq '"));
    expect(windowed.length).toBeGreaterThan(0);
    // Besides the windows, at most the first page of the whole list (it ends a search when it holds every
    // point), never the pages after it.
    for (const query of lists.filter((q) => !windowed.includes(q))) expect(query).not.toContain('$skipToken');
  });
});

it('gives Slack-style option lists for a typed query, from the same step data', async () => {
  const vault =
    '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-backup-prod/providers/Microsoft.DataProtection/backupVaults/bv-prod-eastus';
  const orders = (await h.client.listBackupInstances(vault).toArray()).find((i) =>
    i.name.startsWith('pg-orders-prod'),
  )!;
  const source = { mode: 'primary' as const, instanceId: orders.id };
  const now = new Date();
  const newest = await recoveryPointOptionsForQuery(h.client, source, '', { now });
  expect(newest.map((o) => o.label.slice(0, 16))).toEqual(pointTimes.slice(0, 10).map(utcMinute));
  const typed = utcMinute(new Date(Date.parse(pointTimes[5]!) + 60_000).toISOString());
  const fromTime = await recoveryPointOptionsForQuery(h.client, source, typed, { now });
  expect(fromTime.map((o) => o.label.slice(0, 16))).toEqual(pointTimes.slice(5).map(utcMinute));
});

describe('names and choices are checked', () => {
  it('an unknown server in the shortcut gets "did you mean"', async () => {
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore pg-ordrs-prod --latest');
    expect(vaultStep!.title).toBe('Restore: pick a Backup vault');
    expect(vaultStep!.error).toEqual({
      code: 'UNKNOWN_SERVER',
      message: 'No protected server is called pg-ordrs-prod. Did you mean pg-orders-prod?',
    });
  });

  it('an unknown server typed in the server step gets "did you mean"', async () => {
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    const [regionStep] = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
    const [serverStep] = await chat.choose(requester, regionStep!, 'Primary');
    const [again] = await chat.say(requester, 'pg-paymnts-prod');
    expect(again!.title).toBe(serverStep!.title);
    expect(again!.error!.message).toBe('No protected server is called pg-paymnts-prod. Did you mean pg-payments-prod?');
    const [pointStep] = await chat.say(requester, 'PG-PAYMENTS-PROD');
    expect(pointStep!.subtitle).toBe('Step 4 of 6 · bv-prod-eastus · eastus · pg-payments-prod');
  });

  it('a vault typed by name is picked; a typo gets "did you mean"', async () => {
    const chat = new Chat(h.app);
    await chat.say(requester, 'restore');
    const [typo] = await chat.say(requester, 'bv-prd-eastus');
    expect(typo!.error!.message).toBe('No vault name contains "bv-prd-eastus". Did you mean bv-prod-eastus?');
    const [regionStep] = await chat.say(requester, 'bv-prod-eastus');
    expect(regionStep!.title).toBe('Where to restore');
  });

  it('a key that the step did not offer is refused and the step is shown again', async () => {
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    const [again] = await chat.submit(requester, action(vaultStep!, 'choose'), { vault: 'v:forgedkey123' });
    expect(again!.title).toBe('Restore: pick a Backup vault');
    expect(again!.error!.message).toBe('That choice is no longer available; pick again from the list below.');

    // A click on an earlier step's card once the wizard has moved on is stale too.
    const [regionStep] = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
    const [stale] = await chat.choose(requester, vaultStep!, 'bv-dev-eastus2');
    expect(stale!.title).toBe(regionStep!.title);
    expect(stale!.error!.code).toBe('CHOICE_NOT_AVAILABLE');
  });

  it('secondary is refused for a vault without Cross Region Restore, naming the reason', async () => {
    const chat = new Chat(h.app);
    const [view] = await chat.say(requester, 'restore pg-orders-dev --secondary');
    expect(view!.error!.message).toBe(
      'Restoring bv-dev-eastus2 in its secondary region is not possible: the vault is LocallyRedundant; Cross Region Restore needs a GeoRedundant vault.',
    );
  });
});

describe('the conversation around the wizard', () => {
  it('cancel ends the wizard; a click on its old card is then answered, not acted on', async () => {
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    expect((await chat.say(requester, '/restore cancel'))[0]!.title).toBe(
      'Restore wizard cancelled; nothing was requested.',
    );
    const [late] = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
    expect(late!.title).toBe('That form is no longer active. Type `restore` to start a new restore.');
    expect((await chat.say(requester, 'cancel'))[0]!.title).toBe('There is no restore wizard to cancel.');
  });

  it('commands work during the wizard without ending it', async () => {
    const chat = new Chat(h.app);
    const [vaultStep] = await chat.say(requester, 'restore');
    const [help] = await chat.say(requester, 'help');
    expect(help!.title).toBe('restore-bot commands');
    const [regionStep] = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
    expect(regionStep!.title).toBe('Where to restore');
  });

  it('unknown words get the help with "did you mean"', async () => {
    const chat = new Chat(h.app);
    const [view] = await chat.say(requester, 'restroe');
    expect(view!.title).toBe('restore-bot commands');
    expect(view!.error!.message).toBe('I don\'t know "restroe". Did you mean `restore`?');
    const [option] = await chat.say(requester, 'restore pg-orders-prod --secondry');
    expect(option!.error!.message).toBe('Unknown option --secondry. Did you mean --secondary?');
  });

  it('a conversation stored by an older version of the dialogs restarts politely', async () => {
    const chat = new Chat(h.app, { conversationId: '19:upgrade@thread.tacv2', channelId: '19:upgrade@thread.tacv2' });
    const [vaultStep] = await chat.say(requester, 'restore');
    const key = `msteams/conversations/19:upgrade@thread.tacv2/users/${requester.userId}/`;
    const stored = (await h.store.dialogState.read([key]))[key];
    expect(stored).toBeDefined();
    // What a previous deploy would have left: another dialog id, another version, another state shape.
    await h.store.dialogState.write({
      [key]: {
        dialogVersion: 1,
        dialogState: {
          dialogStack: [{ id: 'restore-wizard-v1', state: { wizard: { step: 'pickVault', old: true } } }],
        },
      },
    });
    const views = await chat.choose(requester, vaultStep!, 'bv-prod-eastus');
    expect(views.map((v) => v.title)).toEqual([
      "The bot was updated; let's start again.",
      'Restore: pick a Backup vault',
    ]);

    // Same dialog id but a state this version cannot read: the same polite restart.
    const current = (await h.store.dialogState.read([key]))[key];
    current.dialogState.dialogStack[0].state.wizard = { version: 0, step: 'vault' };
    await h.store.dialogState.write({ [key]: current });
    const again = await chat.say(requester, 'bv-prod-eastus');
    expect(again.map((v) => v.title)).toEqual([
      "The bot was updated; let's start again.",
      'Restore: pick a Backup vault',
    ]);
  });

  it("keeps each person's wizard private in a shared channel", async () => {
    const chat = new Chat(h.app);
    const other = teamsUser('user-id-9', 'Olga Other');
    await chat.say(requester, 'restore');
    const [otherVaults] = await chat.say(other, 'restore');
    const [mine] = await chat.say(requester, 'bv-prod-eastus');
    expect(mine!.title).toBe('Where to restore');
    const [theirs] = await chat.choose(other, otherVaults!, 'bv-dev-eastus2');
    expect(theirs!.auto!.answer).toBe('Primary region (eastus2)');
  });
});
