import { asBotError, type BotError } from '../../errors';
import type { RestoreRequest } from '../../restore';
import type { ConversationDeps } from '../deps';
import { say } from '../messages';
import type { MessageRef } from '../ports';
import type { ApprovalMessages } from './approval-messages';
import { approvalView } from './approval-view';

export type PostOutcome = { posted: true; message: MessageRef } | { posted: false; error: BotError };

/**
 * Posts a new request's approval card where the request says (the asking channel or the policy's approval
 * channel) and records the message with the nonce. A card that cannot be posted would leave a request nobody
 * can approve, so the request is withdrawn then.
 */
export async function postApprovalRequest(
  deps: Pick<ConversationDeps, 'poster' | 'service' | 'now' | 'logger'>,
  approvals: ApprovalMessages,
  request: RestoreRequest,
): Promise<PostOutcome> {
  const postTo = request.postTo;
  try {
    if (!postTo) throw new Error('the request has no approval conversation');
    const { nonce } = await approvals.open(request.id);
    const message = await deps.poster.post(
      { channel: postTo.channel, conversationId: postTo.conversationId },
      approvalView(request, { nonce, now: deps.now() }),
    );
    await approvals.addMessage(request.id, message);
    return { posted: true, message };
  } catch (error) {
    const bot = asBotError(error, 'APPROVAL_POST_FAILED');
    deps.logger.error('approval request could not be posted; withdrawing it', {
      requestId: request.id,
      code: bot.code,
    });
    try {
      await deps.service.cancel(
        request.id,
        { ...request.requester },
        say('APPROVAL_POST_FAILED', { requestId: request.id, message: bot.message }),
      );
    } catch (cancelError) {
      deps.logger.error('could not withdraw the unposted request', { requestId: request.id, error: cancelError });
    }
    return { posted: false, error: bot };
  }
}
