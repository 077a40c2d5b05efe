/**
 * `npm run emulator`: runs the emulator in the foreground until SIGINT/SIGTERM, printing its URL and a
 * first request to try. Returns the process exit code.
 */

import { startEmulator } from './index';
import { API_VERSION } from './operations';
import { DEMO_SUBSCRIPTION_ID } from './presets';

export interface RunEmulatorOptions {
  port?: number;
  preset?: 'demo' | 'scale';
  /** Started as part of `npm start`: same server, with a line saying so. */
  demo?: boolean;
  /** Where the banner goes; stdout by default. */
  out?: (line: string) => void;
  /** Resolves when the emulator should stop; defaults to the first SIGINT or SIGTERM. */
  until?: Promise<unknown>;
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function runEmulator(options: RunEmulatorOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const preset = options.preset ?? 'demo';
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ port: options.port, preset, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (err) {
    process.stderr.write(`emulator: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const subscription = preset === 'demo' ? DEMO_SUBSCRIPTION_ID : '5ca1e000-0000-4000-8000-000000000000';
  out(
    `Azure Data Protection emulator (preset ${preset}) listening on ${emulator.url}${options.demo ? ' for the demo' : ''}`,
  );
  out('Try:');
  out(
    `  curl -s -H 'Authorization: Bearer local' '${emulator.url}/subscriptions/${subscription}/providers/Microsoft.DataProtection/backupVaults?api-version=${API_VERSION}'`,
  );
  out(`Admin API: ${emulator.url}/_emulator/health (reset, faults, requests, clock, outage). Ctrl+C stops.`);
  await (options.until ?? signalled());
  await emulator.close();
  return 0;
}
