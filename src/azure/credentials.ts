import type { AccessToken, TokenCredential } from '@azure/identity';
import { DefaultAzureCredential } from '@azure/identity';
import { BotError } from '../errors';
import { isLoopbackUrl } from '../net';

export const ARM_SCOPE = 'https://management.azure.com/.default';

/** The token the emulator accepts (any non-empty bearer works there); not a secret, never valid against Azure. */
export const EMULATOR_TOKEN = 'restore-bot-emulator-token';

export type CredentialKind = 'default' | 'emulator';

/**
 * `default`: DefaultAzureCredential (managed identity, workload identity, Azure CLI, …).
 * `emulator`: a fixed token, refused unless the endpoint is loopback, so a misconfiguration can never send a
 * made-up token (or any request) to a real endpoint.
 */
export function createCredential(kind: CredentialKind, endpoint: string): TokenCredential {
  if (kind === 'default') return new DefaultAzureCredential();
  if (kind === 'emulator') {
    if (!isLoopbackUrl(endpoint)) {
      throw new BotError(
        'AZURE_CREDENTIAL_NOT_ALLOWED',
        'The emulator credential is only allowed with a loopback AZURE_ARM_ENDPOINT',
        {
          endpointHost: safeHost(endpoint),
        },
      );
    }
    return new StaticTokenCredential(EMULATOR_TOKEN);
  }
  throw new BotError(
    'AZURE_CREDENTIAL_NOT_ALLOWED',
    `Unknown credential kind "${String(kind)}" (expected default or emulator)`,
  );
}

/** A credential that always answers the same token; for loopback endpoints (emulator, tests) only. */
export class StaticTokenCredential implements TokenCredential {
  readonly #token: string;

  constructor(token: string) {
    if (!token) throw new BotError('AZURE_CREDENTIAL_NOT_ALLOWED', 'A static token credential needs a non-empty token');
    this.#token = token;
  }

  async getToken(): Promise<AccessToken> {
    return { token: this.#token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }

  /** Keeps the token out of logs and `util.inspect`. */
  toJSON(): Record<string, string> {
    return { kind: 'StaticTokenCredential' };
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '<invalid url>';
  }
}
