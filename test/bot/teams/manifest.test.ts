/**
 * The Teams app package: the manifest matches its bundled schema (checked offline), the icons are what Teams
 * asks for, and the zip holds exactly the three files with the bot id filled in.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { crc32 } from '../../../src/bot/teams/crc32';
import { appIdFor, buildManifest, type TeamsManifest } from '../../../src/bot/teams/manifest';
import { packageTeamsApp, TEAMS_MANIFEST_DIR } from '../../../src/bot/teams/package-app';
import { validateManifests } from './manifest-validator';

const BOT_ID = '6f1c1f6e-3b39-4a39-9d8c-0d6c6a7f1d10';
let template: TeamsManifest;

beforeAll(async () => {
  template = JSON.parse(await readFile(join(TEAMS_MANIFEST_DIR, 'manifest.json'), 'utf8'));
});

describe('manifest', () => {
  test('uses schema 1.19, bundled with @microsoft/app-manifest (1.18 is not)', () => {
    expect(template.manifestVersion).toBe('1.19');
    expect(template.$schema).toContain('/teams/v1.19/MicrosoftTeams.schema.json');
  });

  test('the committed template and the built manifest validate offline; a broken one does not', async () => {
    const broken = { ...template, bots: [{ ...template.bots[0], scopes: ['everywhere'] }], accentColor: 'blue' };
    const unbundled = {
      ...template,
      $schema: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.18/MicrosoftTeams.schema.json',
      manifestVersion: '1.18',
    };
    const [committed, built, brokenProblems, unbundledProblems] = await validateManifests([
      template,
      buildManifest(template, { botId: BOT_ID }),
      broken,
      unbundled,
    ]);
    expect(committed).toEqual([]);
    expect(built).toEqual([]);
    expect(brokenProblems!.join('\n')).toMatch(/scopes/);
    expect(brokenProblems!.join('\n')).toMatch(/accentColor/);
    // 1.18 is not bundled: validation would need the network, which the validator refuses.
    expect(unbundledProblems!.join('\n')).toMatch(/network access attempted|Failed to get manifest/);
  });

  test('offers the commands restore, jobs, status, vaults, help in team, group chat and personal scopes', () => {
    const bot = template.bots[0] as unknown as {
      scopes: string[];
      commandLists: { scopes: string[]; commands: { title: string }[] }[];
    };
    expect(bot.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot.commandLists[0]!.commands.map((c) => c.title)).toEqual(['restore', 'jobs', 'status', 'vaults', 'help']);
  });

  test('the bot id goes into bots[0].botId; the app id is derived from it, stable across builds', () => {
    const built = buildManifest(template, { botId: BOT_ID });
    expect(built.bots[0]!.botId).toBe(BOT_ID);
    expect(built.id).toBe(appIdFor(BOT_ID));
    expect(built.id).not.toBe(BOT_ID);
    expect(buildManifest(template, { botId: BOT_ID }).id).toBe(built.id);
    expect(buildManifest(template, { botId: BOT_ID, appId: '11111111-2222-3333-4444-555555555555' }).id).toBe(
      '11111111-2222-3333-4444-555555555555',
    );
  });

  test('a bot id that is not a GUID is refused with a code', () => {
    expect(() => buildManifest(template, { botId: 'restore-bot' })).toThrow(
      expect.objectContaining({ code: 'TEAMS_BOT_ID_INVALID' }),
    );
  });
});

describe('icons', () => {
  test('color.png is 192×192 and outline.png is 32×32, white on transparent', async () => {
    const color = decodePng(await readFile(join(TEAMS_MANIFEST_DIR, 'color.png')));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decodePng(await readFile(join(TEAMS_MANIFEST_DIR, 'outline.png')));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < outline.rgba.length; i += 4) {
      const [r, g, b, a] = outline.rgba.subarray(i, i + 4);
      if (a === 0) transparent++;
      else {
        opaque++;
        expect([r, g, b]).toEqual([255, 255, 255]);
      }
    }
    expect(opaque).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(500);
  });
});

describe('package', () => {
  test('the zip holds manifest.json with the bot id and the two icons, intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'teams-package-'));
    try {
      const { outFile } = await packageTeamsApp({
        botId: BOT_ID,
        outFile: join(dir, 'build', 'restore-bot-teams.zip'),
      });
      const files = readZip(await readFile(outFile));
      expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
      const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
      expect(manifest.bots[0].botId).toBe(BOT_ID);
      expect(await validateManifests([manifest])).toEqual([[]]);
      expect(files.get('color.png')).toEqual(await readFile(join(TEAMS_MANIFEST_DIR, 'color.png')));
      expect(files.get('outline.png')).toEqual(await readFile(join(TEAMS_MANIFEST_DIR, 'outline.png')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Reads a zip through its central directory, inflating and checking each entry's CRC. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const localData = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(localData, localData + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (crc32(data) !== crc) throw new Error(`CRC mismatch in ${name}`);
    files.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]); // 8-bit RGBA
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0); // our encoder writes filter 0 only
    raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}
