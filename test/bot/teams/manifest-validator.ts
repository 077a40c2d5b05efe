/**
 * Validates Teams manifests with @microsoft/app-manifest against its bundled schemas, offline.
 * The package pulls ESM-only dependencies that Jest's module loader cannot require on Node 20, so the check
 * runs in a plain Node child process; there `fetch` is replaced by one that throws, so a schema that is not
 * bundled fails the check instead of being downloaded.
 */
import { execFile } from 'node:child_process';

const SCRIPT = `
globalThis.fetch = async () => { throw new Error('network access attempted during manifest validation'); };
const { AppManifestUtils } = require('@microsoft/app-manifest');
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', async () => {
  const results = [];
  for (const manifest of JSON.parse(input)) {
    try { results.push(await AppManifestUtils.validateAgainstSchema(manifest)); }
    catch (e) { results.push(['validation failed: ' + (e && e.message)]); }
  }
  process.stdout.write(JSON.stringify(results));
});
`;

/** Schema problems per manifest (empty arrays when valid), in one child process. */
export function validateManifests(manifests: unknown[]): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', SCRIPT],
      { cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`manifest validator failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
    child.stdin!.end(JSON.stringify(manifests));
  });
}
