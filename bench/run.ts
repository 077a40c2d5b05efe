/**
 * `npm run bench [name…]`: runs the named benchmarks (all by default) and prints their figures.
 * Benchmarks measure; they never pass or fail on a number (targets are printed beside the figures).
 */
import { azureBenchmark } from './azure';
import { notifierBenchmark } from './notifier';
import { slackBenchmark } from './slack';
import { storeBenchmark } from './store';
import { teamsBenchmark } from './teams';

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<void>;
}

const registry: Benchmark[] = [azureBenchmark, storeBenchmark, teamsBenchmark, notifierBenchmark, slackBenchmark];

export async function runBenchmarks(names: string[]): Promise<number> {
  const unknown = names.filter((n) => !registry.some((b) => b.name === n));
  if (unknown.length) {
    process.stderr.write(
      `unknown benchmark: ${unknown.join(', ')} (known: ${registry.map((b) => b.name).join(', ')})\n`,
    );
    return 2;
  }
  for (const bench of registry.filter((b) => names.length === 0 || names.includes(b.name))) {
    process.stdout.write(`\n# ${bench.name}: ${bench.description}\n`);
    await bench.run();
  }
  return 0;
}
