/**
 * `npm run package:teams`: the Teams app package (manifest.json + color.png + outline.png in a zip) for the
 * bot whose Microsoft App ID is given as `--bot-id <guid>` or in MicrosoftAppId (environment or .env).
 *
 *   npm run package:teams -- [--bot-id <guid>] [--app-id <guid>] [--version 1.2.3] [--out build/restore-bot-teams.zip]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BotError, isBotError } from '../../errors';
import { buildManifest, type ManifestValues, type TeamsManifest } from './manifest';
import { createZip } from './zip';

export const TEAMS_MANIFEST_DIR = resolve(__dirname, '../../../manifest/teams');
export const DEFAULT_PACKAGE_PATH = 'build/restore-bot-teams.zip';
export const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

export interface PackageOptions extends ManifestValues {
  outFile: string;
  manifestDir?: string;
}

export async function packageTeamsApp(options: PackageOptions): Promise<{ outFile: string; manifest: TeamsManifest }> {
  const dir = options.manifestDir ?? TEAMS_MANIFEST_DIR;
  const template = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as TeamsManifest;
  const manifest = buildManifest(template, options);
  const zip = createZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: 'color.png', data: await readFile(join(dir, 'color.png')) },
    { name: 'outline.png', data: await readFile(join(dir, 'outline.png')) },
  ]);
  await mkdir(dirname(options.outFile), { recursive: true });
  await writeFile(options.outFile, zip);
  return { outFile: options.outFile, manifest };
}

/** Schema check with @microsoft/app-manifest (a dev dependency: skipped, with a note, when absent). */
async function schemaProblems(manifest: TeamsManifest): Promise<string[] | undefined> {
  let utils: { validateAgainstSchema(m: unknown): Promise<string[]> };
  try {
    utils = require('@microsoft/app-manifest').AppManifestUtils;
  } catch {
    return undefined;
  }
  return utils.validateAgainstSchema(manifest);
}

export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'bot-id': { type: 'string' },
      'app-id': { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const botId = values['bot-id'] ?? env.MicrosoftAppId?.trim();
  if (!botId) {
    process.stderr.write(
      'package:teams needs the bot id: --bot-id <guid> or MicrosoftAppId in the environment or .env\n',
    );
    return 2;
  }
  try {
    const { outFile, manifest } = await packageTeamsApp({
      botId,
      ...(values['app-id'] ? { appId: values['app-id'] } : {}),
      ...(values.version ? { version: values.version } : {}),
      outFile: resolve(values.out ?? DEFAULT_PACKAGE_PATH),
    });
    const problems = await schemaProblems(manifest);
    if (problems?.length) {
      process.stderr.write(`manifest does not match its schema:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write(
      `wrote ${outFile} (Teams app ${manifest.id}, bot ${botId}${problems ? ', schema checked' : ', schema check skipped: @microsoft/app-manifest not installed'})\n`,
    );
    return 0;
  } catch (error) {
    if (isBotError(error)) {
      process.stderr.write(`${error.message} (${error.code})\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  // The one place this entry point reads the environment: it is its own composition root.
  require('dotenv').config({ quiet: true });
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof BotError ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
