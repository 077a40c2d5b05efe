/**
 * The Azure emulator in a process of its own, for benchmarks: its world (vaults, points, jobs) and its CPU are
 * then not the measured process's. The child is this file run with a JSON seed (or `{"preset":"demo"}`); it
 * prints `{"url"}` once listening and exits when its stdin closes, so it never outlives the benchmark. A seed
 * (which can be larger than a command line may be) is loaded through the emulator's own `/_emulator/reset`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

type EmulatorStart = { preset: 'demo' } | { seed: unknown };

export class EmulatorProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(start: EmulatorStart = { preset: 'demo' }): Promise<EmulatorProcess> {
    const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), __filename], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => {
        try {
          resolve((JSON.parse(line) as { url: string }).url);
        } catch {
          reject(new Error(`the emulator printed something that is not JSON: ${line.slice(0, 200)}`));
        }
      });
      child.once('exit', (code) => reject(new Error(`the emulator exited with code ${code} before reporting`)));
      child.once('error', reject);
    });
    const emulator = new EmulatorProcess(url, child);
    if ('seed' in start) {
      const reset = await fetch(`${url}/_emulator/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(start.seed),
      });
      if (!reset.ok) {
        await emulator.stop();
        throw new Error(`the emulator refused the seed: ${reset.status} ${await reset.text()}`);
      }
    }
    return emulator;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    await exited;
  }
}

async function runEmulatorChild(): Promise<void> {
  // Loaded only in the child, so the benchmark process holds none of the emulator's world.
  const { startEmulator } = require('../src/emulator') as typeof import('../src/emulator');
  const emulator = await startEmulator({ port: 0, preset: 'demo' });
  process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
  process.stdin.on('end', () => emulator.close().finally(() => process.exit(0)));
  process.stdin.resume();
}

if (require.main === module) {
  runEmulatorChild().catch((error: unknown) => {
    process.stderr.write(`bench emulator child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
