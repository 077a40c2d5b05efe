import {
  bearerTokenAuthenticationPolicy,
  createEmptyPipeline,
  type Pipeline,
  type PipelinePolicy,
  userAgentPolicy,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { isLoopbackUrl } from '../net';
import { ARM_SCOPE } from './credentials';
import { AzureError, scrubSecrets } from './errors';
import { armRetryPolicy, describeUrl, type RetryMode, type RetryOptions } from './retry-policy';

export const USER_AGENT_PREFIX = 'restore-bot/0.1.0';

export interface ArmPipelineOptions {
  credential: TokenCredential;
  mode: RetryMode;
  retry?: RetryOptions;
  timeoutMs: number;
  userAgentPrefix?: string;
}

/**
 * The pipeline every ARM request goes through: user agent → our retry policy → auth → HTTP.
 * Auth runs inside the retry loop so a token that expires while we back off is refreshed.
 */
export function createArmPipeline(options: ArmPipelineOptions): Pipeline {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: options.userAgentPrefix ?? USER_AGENT_PREFIX }));
  pipeline.addPolicy(armRetryPolicy({ ...options.retry, mode: options.mode, timeoutMs: options.timeoutMs }), {
    phase: 'Retry',
  });
  pipeline.addPolicy(armAuthPolicy(options.credential), { phase: 'Sign' });
  return pipeline;
}

/**
 * HTTPS: the SDK's bearer policy (token cache, refresh, CAE challenges).
 * Plain HTTP is only ever allowed to a loopback host (the emulator, tests); the SDK policy refuses HTTP outright,
 * so a minimal header-setting policy covers that case. Anything else is refused before a token is fetched.
 */
export function armAuthPolicy(credential: TokenCredential): PipelinePolicy {
  const secure = bearerTokenAuthenticationPolicy({ credential, scopes: ARM_SCOPE });
  return {
    name: 'restoreBotArmAuth',
    async sendRequest(request, next) {
      const isHttps = request.url.toLowerCase().startsWith('https://');
      if (!isHttps && !isLoopbackUrl(request.url)) {
        throw new AzureError(
          'AZURE_BAD_REQUEST',
          `Refusing to send credentials over plain HTTP to a non-loopback host (${describeUrl(request.url)})`,
        );
      }
      try {
        if (isHttps) return await secure.sendRequest(request, next);
        const token = await credential.getToken(ARM_SCOPE, { abortSignal: request.abortSignal });
        if (!token?.token) throw new AzureError('AZURE_AUTH', 'The credential returned no token');
        request.headers.set('authorization', `Bearer ${token.token}`);
        return await next(request);
      } catch (error) {
        throw asCredentialError(error);
      }
    },
  };
}

/** Failures of the credential itself (no managed identity, CLI not logged in, …) are auth errors, not network ones. */
function asCredentialError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (
    /CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError|AuthenticationRequiredError/.test(
      error.name,
    )
  ) {
    return new AzureError('AZURE_AUTH', `Could not get an Azure token: ${scrubSecrets(error.message).slice(0, 400)}`, {
      cause: error,
    });
  }
  if (error.message.startsWith('Bearer token authentication is not permitted')) {
    return new AzureError('AZURE_BAD_REQUEST', 'Refusing to send a bearer token over plain HTTP', { cause: error });
  }
  return error;
}
