import { z } from 'zod';
import { BotError } from './errors';
import { isLoopbackUrl } from './net';

/**
 * Process configuration, read once from the environment (SPEC section 4) and passed down.
 * Nothing else in src/ reads process.env.
 */
const port = z.coerce.number().int().min(0).max(65535);
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const EnvSchema = z.object({
  PORT: port.default(3978),
  HOST: z.string().min(1).default('127.0.0.1'),
  SLACK_PORT: port.default(3000),
  MicrosoftAppId: optional,
  MicrosoftAppPassword: optional,
  MicrosoftAppType: optional,
  MicrosoftAppTenantId: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: optional,
  SLACK_BOT_USER_ID: optional,
  SLACK_BOT_ID: optional,
  AZURE_ARM_ENDPOINT: z.string().url().default('https://management.azure.com'),
  AZURE_CREDENTIAL: z.enum(['default', 'emulator']).default('default'),
  DATABASE_URL: optional,
  DATA_DIR: z.string().min(1).default('./data'),
  RESTORE_BOT_CONFIG: optional,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  EMULATOR_PORT: port.default(4010),
  EMULATOR_PRESET: z.enum(['demo', 'scale']).default('demo'),
  /** Minutes between background refreshes of the vault/instance inventory; 0 = refreshed on use only. */
  INVENTORY_REFRESH_MINUTES: z.coerce.number().min(0).max(1440).default(15),
  /** The job notifier; unset = the defaults in src/notifier/settings.ts (README: configuration). */
  NOTIFIER_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  NOTIFIER_POLL_MIN_SECONDS: z.coerce.number().positive().optional(),
  NOTIFIER_POLL_MAX_SECONDS: z.coerce.number().positive().optional(),
  NOTIFIER_POLL_DOUBLING_SECONDS: z.coerce.number().positive().optional(),
  NOTIFIER_LEASE_SECONDS: z.coerce.number().positive().optional(),
  NOTIFIER_STUCK_AFTER_MINUTES: z.coerce.number().positive().optional(),
  NOTIFIER_UNKNOWN_AFTER_MINUTES: z.coerce.number().positive().optional(),
  NOTIFIER_MAX_WATCHES: z.coerce.number().int().min(1).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export function readEnv(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BotError('CONFIG_INVALID', `${issue.path.join('.')}: ${issue.message}`);
  }
  const env = parsed.data;
  if (env.AZURE_CREDENTIAL === 'emulator' && !isLoopbackUrl(env.AZURE_ARM_ENDPOINT)) {
    throw new BotError(
      'CONFIG_INVALID',
      `AZURE_CREDENTIAL=emulator sends a fixed token and is only allowed with a loopback AZURE_ARM_ENDPOINT, not ${env.AZURE_ARM_ENDPOINT}`,
    );
  }
  return env;
}
