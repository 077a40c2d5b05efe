/**
 * The fake Slack Web API answers in shapes the real `@slack/web-api` client accepts, keeps state the way Slack
 * does (threads with metadata, view hashes and stacks, response_url budgets), and fails on demand the way the
 * SDK reports Slack's failures. The signer is proven against Bolt's own receiver.
 */
import { App, isValidSlackRequest, LogLevel } from '@slack/bolt';
import {
  ErrorCode,
  WebAPIPlatformError,
  type WebAPIRateLimitedError,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import { FakeSlackApi } from './slack-api';
import {
  interactionBody,
  postSigned,
  SLACK_FORM_CONTENT_TYPE,
  signSlackRequest,
  slashCommandBody,
} from './slack-signer';

let fake: FakeSlackApi;
let clock = Date.now();

const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};
const clientOptions = (): WebClientOptions => ({
  slackApiUrl: fake.url,
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
  logger: quiet,
});
const client = () => new WebClient('xoxb-test', clientOptions());

/** The Slack error code the SDK surfaced, or a marker when the call did not fail as a platform error. */
async function platformError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'no error';
  } catch (e) {
    if (!(e instanceof WebAPIPlatformError)) return `unexpected ${String(e)}`;
    expect(e.code).toBe(ErrorCode.PlatformError);
    return String(e.data.error);
  }
}

const pt = (text: string) => ({ type: 'plain_text' as const, text });
const modal = (title: string, extra: object = {}) => ({
  type: 'modal' as const,
  title: pt(title),
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: title } }],
  ...extra,
});

beforeEach(async () => {
  clock = Date.now();
  fake = await FakeSlackApi.start({
    now: () => clock,
    users: [{ id: 'U0REQUESTER', name: 'ana', tz: 'Asia/Kolkata' }],
    channels: [
      { id: 'C0OUTSIDE', name: 'elsewhere', is_member: false },
      { id: 'G0SECRET', name: 'secret', is_member: false },
    ],
    userGroups: { S0DBAS: ['U0APPROVER'] },
  });
});

afterEach(async () => {
  await fake.close();
});

describe('messages and threads', () => {
  test('postMessage returns increasing Slack-shaped ts and records decoded blocks, metadata and auth', async () => {
    const slack = client();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Restore* requested' } }];
    const metadata = { event_type: 'restore_request', event_payload: { request_id: 'r-1' } };
    const first = await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'Restore requested', blocks, metadata });
    const second = await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'again' });

    expect(first.ts).toBe('1732450000.000100');
    expect(second.ts).toBe('1732450000.000200');
    expect(first.channel).toBe('C0RESTORE');
    expect(first.message?.text).toBe('Restore requested');
    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call.args.blocks).toEqual(blocks);
    expect(call.args.metadata).toEqual(metadata);
    expect(call.args.token).toBeUndefined();
    expect(call.authorization === 'Bearer xoxb-test').toBe(true);
    expect(call.contentType).toBe(SLACK_FORM_CONTENT_TYPE);
  });

  test('conversations.replies returns the thread, with metadata only when asked, paged by cursor', async () => {
    const slack = client();
    const parent = await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'Approval needed' });
    const metadata = { event_type: 'restore_progress', event_payload: { request_id: 'r-1', step: 'started' } };
    await slack.chat.postMessage({ channel: 'C0RESTORE', thread_ts: parent.ts!, text: 'Started', metadata });
    await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'unrelated' });

    const plain = await slack.conversations.replies({ channel: 'C0RESTORE', ts: parent.ts! });
    expect(plain.messages?.map((m) => m.text)).toEqual(['Approval needed', 'Started']);
    expect(plain.messages?.[0]?.reply_count).toBe(1);
    expect(plain.messages?.[1]?.metadata).toBeUndefined();

    const withMetadata = await slack.conversations.replies({
      channel: 'C0RESTORE',
      ts: parent.ts!,
      include_all_metadata: true,
    });
    expect(withMetadata.messages?.[1]?.metadata).toEqual(metadata);

    const pages: string[] = [];
    for await (const page of slack.paginate('conversations.replies', {
      channel: 'C0RESTORE',
      ts: parent.ts!,
      limit: 1,
    })) {
      pages.push(...((page as { messages?: { text: string }[] }).messages ?? []).map((m) => m.text));
    }
    expect(pages).toEqual(['Approval needed', 'Started']);
    expect(await platformError(slack.conversations.replies({ channel: 'C0RESTORE', ts: '1.000000' }))).toBe(
      'thread_not_found',
    );
  });

  test('chat.update changes the stored message; an unknown ts is message_not_found', async () => {
    const slack = client();
    const posted = await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'Waiting for approval' });
    const updated = await slack.chat.update({
      channel: 'C0RESTORE',
      ts: posted.ts!,
      text: 'Approved by <@U0APPROVER>',
    });
    expect(updated.ts).toBe(posted.ts);
    expect(fake.message('C0RESTORE', posted.ts!)?.text).toBe('Approved by <@U0APPROVER>');
    expect(await platformError(slack.chat.update({ channel: 'C0RESTORE', ts: '9.000000', text: 'x' }))).toBe(
      'message_not_found',
    );
  });

  test('permalinks, ephemerals and DMs to a user id', async () => {
    const slack = client();
    const posted = await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'x' });
    const link = await slack.chat.getPermalink({ channel: 'C0RESTORE', message_ts: posted.ts! });
    expect(link.permalink).toBe('https://fake-team.slack.com/archives/C0RESTORE/p1732450000000100');

    const ephemeral = await slack.chat.postEphemeral({
      channel: 'C0RESTORE',
      user: 'U0REQUESTER',
      text: 'not yours to approve',
    });
    expect(ephemeral.message_ts).toMatch(/^\d{10}\.\d{6}$/);

    const opened = await slack.conversations.open({ users: 'U0APPROVER' });
    const dm = await slack.chat.postMessage({ channel: 'U0APPROVER', text: 'Your approval is needed' });
    expect(dm.channel).toBe(opened.channel?.id);
    expect(dm.channel).toMatch(/^D/);
  });

  test('a bot outside a channel gets not_in_channel (public) or channel_not_found (private)', async () => {
    const slack = client();
    expect(await platformError(slack.chat.postMessage({ channel: 'C0OUTSIDE', text: 'x' }))).toBe('not_in_channel');
    expect(await platformError(slack.chat.postMessage({ channel: 'G0SECRET', text: 'x' }))).toBe('channel_not_found');
    expect((await slack.conversations.info({ channel: 'C0OUTSIDE' })).channel?.is_member).toBe(false);
    expect(await platformError(slack.conversations.info({ channel: 'G0SECRET' }))).toBe('channel_not_found');
  });

  test('blocks breaking Block Kit limits are refused like Slack does, naming the path', async () => {
    const slack = client();
    const blocks = [
      { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: pt('Go'), value: 'v'.repeat(2001) }] },
    ];
    try {
      await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'x', blocks });
      throw new Error('expected invalid_blocks');
    } catch (e) {
      expect((e as WebAPIPlatformError).data.error).toBe('invalid_blocks');
      expect((e as WebAPIPlatformError).data).toHaveProperty('errors', [
        'blocks[0].elements[0].value: 2001 > 2000 chars',
      ]);
    }
    expect(fake.messages).toEqual([]);
  });
});

describe('views', () => {
  test('views.update needs the current hash: a stale one is hash_conflict, an unknown view not_found', async () => {
    const slack = client();
    const opened = await slack.views.open({ trigger_id: fake.triggerId(), view: modal('Loading…') });
    const id = opened.view!.id!;
    const firstHash = opened.view!.hash!;
    expect(opened.view?.root_view_id).toBe(id);

    const updated = await slack.views.update({ view_id: id, hash: firstHash, view: modal('Pick a vault') });
    expect(updated.view?.hash).not.toBe(firstHash);
    expect(fake.view(id)?.view.title).toEqual(pt('Pick a vault'));

    expect(await platformError(slack.views.update({ view_id: id, hash: firstHash, view: modal('Stale') }))).toBe(
      'hash_conflict',
    );
    expect(await platformError(slack.views.update({ view_id: 'V404', view: modal('x') }))).toBe('not_found');
  });

  test('a modal stack holds 3 views; the 4th push is push_limit_reached', async () => {
    const slack = client();
    const root = await slack.views.open({ trigger_id: fake.triggerId(), view: modal('One') });
    await slack.views.push({ trigger_id: fake.triggerId(root.view!.id), view: modal('Two') });
    const third = await slack.views.push({ trigger_id: fake.triggerId(root.view!.id), view: modal('Three') });
    expect(third.view?.root_view_id).toBe(root.view!.id);
    expect(await platformError(slack.views.push({ trigger_id: fake.triggerId(), view: modal('Four') }))).toBe(
      'push_limit_reached',
    );
  });

  test('a trigger_id works once and only within 3 seconds', async () => {
    const slack = client();
    const trigger = fake.triggerId();
    await slack.views.open({ trigger_id: trigger, view: modal('One') });
    expect(await platformError(slack.views.open({ trigger_id: trigger, view: modal('Again') }))).toBe(
      'trigger_exchanged',
    );

    const late = fake.triggerId();
    clock += 3_001;
    expect(await platformError(slack.views.open({ trigger_id: late, view: modal('Late') }))).toBe('expired_trigger_id');
  });

  test('an invalid modal is refused with the validator’s paths', async () => {
    const slack = client();
    const error = await slack.views
      .open({ trigger_id: fake.triggerId(), view: modal('A title well over 24 chars') })
      .catch((e) => e);
    expect(error.data.error).toBe('invalid_arguments');
    expect(error.data.response_metadata.messages).toEqual(['[ERROR] title.text: 26 > 24 chars']);
  });
});

describe('people', () => {
  test('users.info gives the seeded time zone (with its offset), UTC by default', async () => {
    const slack = client();
    const ana = await slack.users.info({ user: 'U0REQUESTER' });
    expect(ana.user?.tz).toBe('Asia/Kolkata');
    expect(ana.user?.tz_offset).toBe(19_800);
    const someone = await slack.users.info({ user: 'U0SOMEONE' });
    expect(someone.user?.tz).toBe('UTC');
    expect(someone.user?.tz_offset).toBe(0);
  });

  test('usergroups.users.list answers configured groups; unknown ones are no_such_subteam', async () => {
    const slack = client();
    expect((await slack.usergroups.users.list({ usergroup: 'S0DBAS' })).users).toEqual(['U0APPROVER']);
    fake.setUserGroup('S0DBAS', ['U0APPROVER', 'U0APPROVER2']);
    expect((await slack.usergroups.users.list({ usergroup: 'S0DBAS' })).users).toEqual(['U0APPROVER', 'U0APPROVER2']);
    expect(await platformError(slack.usergroups.users.list({ usergroup: 'S0NOPE' }))).toBe('no_such_subteam');
  });
});

describe('failures on demand', () => {
  test('fail() answers ok:false the given number of times, then Slack works again', async () => {
    const slack = client();
    fake.fail('chat.postMessage', { error: 'channel_not_found', times: 2 });
    expect(await platformError(slack.chat.postMessage({ channel: 'C0RESTORE', text: 'a' }))).toBe('channel_not_found');
    expect(await platformError(slack.chat.postMessage({ channel: 'C0RESTORE', text: 'b' }))).toBe('channel_not_found');
    expect((await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'c' })).ok).toBe(true);

    fake.fail('views.open', { error: 'expired_trigger_id' });
    expect(await platformError(slack.views.open({ trigger_id: 't', view: modal('x') }))).toBe('expired_trigger_id');
  });

  test('rateLimit() answers 429 with Retry-After, which the SDK surfaces as a rate-limited error', async () => {
    const slack = client();
    fake.rateLimit('chat.update', { retryAfterSeconds: 7, times: 1 });
    const error = (await slack.chat
      .update({ channel: 'C0RESTORE', ts: '1.0', text: 'x' })
      .catch((e) => e)) as WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    expect(fake.callsTo('chat.update')[0]?.status).toBe(429);
  });

  test('delay() slows one method; waitFor sees the call once answered', async () => {
    const slack = client();
    fake.delay('users.info', 150);
    const started = performance.now();
    const pending = slack.users.info({ user: 'U0REQUESTER' });
    const call = await fake.waitFor('users.info', (c) => c.args.user === 'U0REQUESTER');
    await pending;
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(call.answer?.ok).toBe(true);
    await expect(fake.waitFor('chat.delete', undefined, 50)).rejects.toThrow(
      'no matching chat.delete call within 50 ms',
    );
  });

  test('unknown methods and missing or wrong tokens fail like Slack', async () => {
    expect(await platformError(client().apiCall('restore.everything'))).toBe('unknown_method');
    const anonymous = new WebClient(undefined, clientOptions());
    expect(await platformError(anonymous.auth.test())).toBe('not_authed');
    await fake.close();
    fake = await FakeSlackApi.start({ acceptToken: 'xoxb-right' });
    expect(await platformError(client().auth.test())).toBe('invalid_auth');
    expect((await new WebClient('xoxb-right', clientOptions()).auth.test()).user_id).toBe('U0BOT');
  });

  test('reset() forgets calls, faults and messages', async () => {
    const slack = client();
    await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'x' });
    fake.fail('chat.postMessage', { error: 'channel_not_found', times: Number.POSITIVE_INFINITY });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.messages).toEqual([]);
    expect((await slack.chat.postMessage({ channel: 'C0RESTORE', text: 'y' })).ok).toBe(true);
  });
});

describe('response_url', () => {
  const post = (url: string, body: object) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('accepts 5 responses, then answers 404', async () => {
    const url = fake.responseUrl('cmd-1');
    for (let i = 1; i <= 5; i++) expect((await post(url, { text: `update ${i}` })).status).toBe(200);
    const sixth = await post(url, { text: 'one too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(fake.responses('cmd-1').map((b) => b.text)).toEqual([
      'update 1',
      'update 2',
      'update 3',
      'update 4',
      'update 5',
    ]);
  });

  test('answers 404 once expired, by expire() or after 30 minutes', async () => {
    const expired = fake.responseUrl('cmd-2');
    fake.expire('cmd-2');
    expect((await post(expired, { text: 'late' })).status).toBe(404);

    const old = fake.responseUrl('cmd-3');
    clock += 30 * 60 * 1000 + 1;
    expect((await post(old, { text: 'late' })).status).toBe(404);
    expect(fake.responses('cmd-3')).toEqual([]);
  });
});

describe('signed requests reach a real Bolt app', () => {
  const secret = 'test-signing-secret';
  let app: App;
  let events: string;

  beforeEach(async () => {
    app = new App({
      signingSecret: secret,
      token: 'xoxb-test',
      tokenVerificationEnabled: false,
      botId: 'B0BOT',
      botUserId: 'U0BOT',
      logLevel: LogLevel.ERROR,
      logger: quiet,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/restore', async ({ ack, command, client: slack, respond }) => {
      await ack();
      await slack.views.open({ trigger_id: command.trigger_id, view: modal(`Restore ${command.text}`.slice(0, 24)) });
      await respond({ response_type: 'ephemeral', text: 'Opening the wizard…' });
    });
    app.action('approve', async ({ ack }) => {
      await ack();
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as unknown as import('node:http').Server;
    events = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/slack/events`;
  });

  afterEach(async () => {
    await app.stop();
  });

  test('a signed slash command is acked fast, opens the modal and responds on the response_url', async () => {
    const body = slashCommandBody({ text: 'pg-prod', response_url: fake.responseUrl('cmd') });
    const answer = await postSigned(events, body, { secret });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    expect(answer.ms).toBeLessThan(1_000);
    const open = await fake.waitFor('views.open');
    expect(open.args.trigger_id).toBe(new URLSearchParams(body).get('trigger_id'));
    expect(open.args.view.title).toEqual(pt('Restore pg-prod'));
    await fake.waitFor('response_url');
    expect(fake.responses('cmd')).toEqual([{ response_type: 'ephemeral', text: 'Opening the wizard…' }]);
  });

  test('an interaction payload is acked; a wrong secret or a stale timestamp is 401', async () => {
    const click = interactionBody({
      type: 'block_actions',
      user: { id: 'U0APPROVER' },
      team: { id: 'T0FAKE' },
      actions: [{ type: 'button', action_id: 'approve', block_id: 'b', value: 'r-1', action_ts: '1.0' }],
      response_url: fake.responseUrl(),
      trigger_id: fake.triggerId(),
    });
    expect((await postSigned(events, click, { secret })).status).toBe(200);
    expect((await postSigned(events, click, { secret: 'wrong' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postSigned(events, click, { secret, timestamp: sixMinutesAgo })).status).toBe(401);
  });

  test('the signature is what Bolt’s own verifier accepts, and only under the right secret', () => {
    const body = slashCommandBody({ text: 'pg-prod' });
    const timestamp = 1_732_450_000;
    const headers = signSlackRequest(secret, body, { timestamp });
    const verify = (signingSecret: string) =>
      isValidSlackRequest({
        signingSecret,
        body,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: timestamp * 1000,
      });
    expect(headers['x-slack-request-timestamp']).toBe(String(timestamp));
    expect(verify(secret)).toBe(true);
    expect(verify('another-secret')).toBe(false);
  });

  test('slash command bodies carry Slack’s field names', () => {
    const fields = new URLSearchParams(slashCommandBody({ text: 'jobs', user_id: 'U0APPROVER' }));
    for (const name of [
      'command',
      'text',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'trigger_id',
      'api_app_id',
    ]) {
      expect(fields.get(name)).toBeTruthy();
    }
    expect(fields.get('command')).toBe('/restore');
    expect(fields.get('user_id')).toBe('U0APPROVER');
    expect(fields.has('response_url')).toBe(false);
    expect(JSON.parse(new URLSearchParams(interactionBody({ type: 'block_actions' })).get('payload')!)).toEqual({
      type: 'block_actions',
    });
  });
});
