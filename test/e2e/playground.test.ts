/**
 * Journeys 1 and 2 of SPEC section 2 through the real Teams playground, as a newcomer would try them in
 * `npm start`: Alex walks the restore wizard in his 1:1 chat by answering the cards the bot renders, the
 * approval card lands in the policy's approvals channel, Alex cannot approve his own request, Megan can
 * (through `demo-approve`, the demo's second-approver helper), and the emulator receives exactly one restore.
 */
import { runDemoApprove } from '../../src/demo-approve';
import type { MessageStream, PlaygroundFrame } from '../fakes/playground';
import {
  type CardJson,
  cardOf,
  choiceSet,
  DEMO,
  emulatorRequests,
  executeActions,
  type Stack,
  startStack,
  submitAction,
  visibleText,
} from './harness';

jest.setTimeout(90_000);

let stack: Stack;
let stream: MessageStream;

beforeAll(async () => {
  stack = await startStack({ recordEvents: true });
  stream = await stack.playground.openStream();
});

afterAll(async () => {
  stream?.close();
  await stack?.close();
});

/** The next card the bot posts in Alex's 1:1 chat whose visible text matches. */
async function nextCardInChat(title: RegExp): Promise<{ frame: PlaygroundFrame; card: CardJson }> {
  const frame = await stream.next(
    (f) =>
      f.action === 'createMessage' &&
      f.actionConversationId === DEMO.personalChat &&
      title.test(visibleText(cardOf(f) ?? {})),
    `a card matching ${title} in the personal chat`,
  );
  return { frame, card: cardOf(frame)! };
}

/** Picks the choice whose title matches in the step's choice list and clicks Next, as the card offers it. */
async function answerStep(step: string, title: RegExp, pick: RegExp): Promise<CardJson> {
  const { frame, card } = await nextCardInChat(title);
  const choice = choiceSet(card, step).choices.find((c) => pick.test(c.title));
  if (!choice) throw new Error(`no choice matching ${pick} on the ${step} step:\n${visibleText(card)}`);
  const next = submitAction(card, 'choose');
  await stack.playground.submit(DEMO.personalChat, frame.message.messageId, { ...next.data, [step]: choice.value });
  return card;
}

test('Alex asks for a restore in his 1:1 chat, Megan approves in the approvals channel, Azure gets one restore', async () => {
  // Journey 1: the wizard, answered by clicking what each card offers.
  await stack.playground.sendMessage(DEMO.personalChat, 'restore');
  const vaults = await answerStep('vault', /pick a Backup vault/, /^bv-prod-eastus\b/);
  expect(visibleText(vaults)).toMatch(/bv-prod-eastus — eastus · GeoRedundant · CRR Enabled/);
  expect(visibleText(vaults)).toMatch(/bv-dev-eastus2 — eastus2 · LocallyRedundant · CRR Disabled/);

  const regions = await answerStep('region', /Where to restore/, /^Primary region/);
  expect(visibleText(regions)).toMatch(/Secondary region \(westus\)/);

  const servers = await answerStep('instance', /Pick the PostgreSQL server/, /^pg-orders-prod\b/);
  expect(visibleText(servers)).toMatch(/pg-payments-prod/);

  const points = await answerStep('point', /Pick a recovery point/, /./); // newest first: the first is the latest
  expect(choiceSet(points, 'point').choices[0]!.title).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(1 day ago\)/);

  // One target is allowed in eastus: answered for Alex, and said so.
  const target = await nextCardInChat(/Pick a restore target/);
  expect(visibleText(target.card)).toMatch(/dr-eastus/);

  const review = await nextCardInChat(/Review the restore/);
  expect(visibleText(review.card)).toMatch(/Azure validation: Succeeded/);
  expect(visibleText(review.card)).toMatch(/Server: pg-orders-prod/);
  await stack.playground.submit(
    DEMO.personalChat,
    review.frame.message.messageId,
    submitAction(review.card, 'request').data,
  );

  // Journey 2: the approval card goes to the policy's approvals channel (a 1:1 chat has no channel of its own).
  const posted = await stream.next(
    (f) => f.action === 'createMessage' && f.actionConversationId === DEMO.approvalsChannel && !!cardOf(f),
    'the approval card in the approvals channel',
  );
  const approvalCard = cardOf(posted)!;
  const requestId = /Restore approval: (R-[A-Z0-9]{4})/.exec(visibleText(approvalCard))?.[1];
  expect(requestId).toBeDefined();
  expect(visibleText(approvalCard)).toMatch(/Requested by: Alex Wilber/);
  expect(executeActions(approvalCard).map((a) => a.title)).toEqual(['Approve', 'Reject']);
  const confirmation = await nextCardInChat(new RegExp(requestId!));
  expect(visibleText(confirmation.card)).toMatch(/Request: R-/);

  // Alex clicks Approve on his own request: refused in the answer only he sees; the card stays as it was.
  const approve = executeActions(approvalCard).find((a) => a.verb === 'approve')!;
  const threadId = `${DEMO.approvalsChannel};messageid=${posted.message.messageId}`;
  const refused = await stack.playground.execute(threadId, posted.message.messageId, approve);
  const refusedCard = refused.value as CardJson;
  expect(visibleText(refusedCard)).toMatch(new RegExp(`You asked for ${requestId}, so you cannot approve`));
  expect(executeActions(refusedCard).map((a) => a.title)).toEqual(['Approve', 'Reject']);
  await stack.bot.teams.idle();
  expect(stream.frames.filter((f) => f.action === 'updateMessage')).toEqual([]);
  expect((await emulatorRequests(stack.emulator)).filter(isRestoreTrigger)).toEqual([]);

  // Megan approves through the demo's helper: a custom activity from her, with the card's own data.
  const said: string[] = [];
  const code = await runDemoApprove(
    [
      requestId!,
      '--as',
      DEMO.megan,
      '--playground',
      stack.playground.url,
      '--recording',
      stack.playground.recordingFile,
    ],
    (line) => said.push(line),
  );
  expect({ code, said }).toMatchObject({ code: 0 });
  expect(said.join('\n')).toMatch(new RegExp(`Approve.*${requestId}.*Megan Bowen`));
  expect(said.join('\n')).toMatch(/the approval card now says:[\s\S]*Approved by Megan Bowen/);

  // Every copy of the card is updated: decided by Megan, buttons gone.
  const updated = await stream.next(
    (f) =>
      f.action === 'updateMessage' &&
      f.message.messageId === posted.message.messageId &&
      /Approved by Megan Bowen/.test(visibleText(cardOf(f) ?? {})),
    'the approval card updated to "Approved by Megan Bowen"',
  );
  expect(executeActions(cardOf(updated)!)).toEqual([]);

  // Exactly one restore reaches Azure (the emulator), after the approval.
  await stack.bot.teams.idle();
  const restores = await waitFor(async () => {
    const found = (await emulatorRequests(stack.emulator)).filter(isRestoreTrigger);
    return found.length ? found : undefined;
  }, 'a restore request in the emulator log');
  expect(restores).toHaveLength(1);
  expect(restores[0]!.path).toMatch(/\/backupInstances\/[^/]+\/restore$/i);

  // The helper does not click twice: the card has no Approve button any more.
  const again: string[] = [];
  const secondCode = await runDemoApprove(
    [requestId!, '--playground', stack.playground.url, '--recording', stack.playground.recordingFile],
    (line) => again.push(line),
  );
  expect(secondCode).toBe(1);
  expect(again.join('\n')).toMatch(/no Approve button any more[\s\S]*Approved by Megan Bowen/);
  expect((await emulatorRequests(stack.emulator)).filter(isRestoreTrigger)).toHaveLength(1);
});

test('demo-approve says what is wrong: unknown request or user, no playground, a remote playground, no request id', async () => {
  const recording = ['--playground', stack.playground.url, '--recording', stack.playground.recordingFile];
  const said: string[] = [];
  const out = (line: string) => said.push(line);
  expect(await runDemoApprove(['R-2222', ...recording], out)).toBe(1);
  expect(said.join('\n')).toMatch(/no approval card for R-2222/);

  said.length = 0;
  expect(await runDemoApprove(['R-2222', '--as', 'user-id-9', ...recording], out)).toBe(2);
  expect(said.join('\n')).toMatch(/no playground user user-id-9; known: user-id-1 \(Megan Bowen\)/);

  said.length = 0;
  expect(await runDemoApprove(['R-2222', '--playground', 'http://127.0.0.1:9'], out)).toBe(1);
  expect(said.join('\n')).toMatch(/cannot reach the Teams playground at http:\/\/127\.0\.0\.1:9/);

  said.length = 0;
  expect(await runDemoApprove(['R-2222', '--playground', 'http://playground.example.com'], out)).toBe(2);
  expect(said.join('\n')).toMatch(/must be on this machine/);

  said.length = 0;
  expect(await runDemoApprove(['--as', 'user-id-2'], out)).toBe(2);
  expect(said.join('\n')).toMatch(/which request\?/);
});

function isRestoreTrigger(request: { method: string; path: string }): boolean {
  return request.method === 'POST' && /\/(restore|crossRegionRestore)$/i.test(request.path);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
