/**
 * Test-only crash points on the trigger path. With RESTORE_BOT_CRASH_AT naming one of them, the process
 * SIGKILLs itself there: no finally blocks, no flushed buffers, exactly what a power cut or an OOM kill
 * leaves behind. Without the variable the hook does nothing.
 */
export const CRASH_POINTS = ['before-intent', 'after-intent', 'after-azure-call', 'after-record'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
export type CrashHook = (point: CrashPoint) => void;

export const CRASH_ENV_VARIABLE = 'RESTORE_BOT_CRASH_AT';

export const NO_CRASH: CrashHook = () => {};

/**
 * Reads the variable itself (an exception to "only src/config.ts reads process.env"): the hook must work in
 * any process that builds a RestoreService, without threading a test switch through production config.
 */
export function crashHookFromEnvironment(env: Record<string, string | undefined> = process.env): CrashHook {
  const wanted = env[CRASH_ENV_VARIABLE]?.trim();
  if (!wanted) return NO_CRASH;
  if (!(CRASH_POINTS as readonly string[]).includes(wanted)) {
    throw new Error(`${CRASH_ENV_VARIABLE}=${wanted} is not a crash point (${CRASH_POINTS.join(', ')})`);
  }
  return (point) => {
    if (point === wanted) process.kill(process.pid, 'SIGKILL');
  };
}
