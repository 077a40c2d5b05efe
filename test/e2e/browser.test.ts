/**
 * The restore journey as a newcomer clicks it in the Teams playground's web page (Debian Chromium through
 * playwright-core): type `restore` in the 1:1 chat, pick from the cards' lists, request approval, and see the
 * approval card in the approvals channel. Saves test-artifacts/teams-playground.png.
 *
 * Nothing leaves the machine: host resolution maps every name but loopback to nowhere, and every request to a
 * non-loopback URL is aborted (the page asks an Office CDN for fonts and falls back to local ones).
 * Skipped where Chromium is not installed, except in CI (CI=true), where a missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { isLoopbackUrl } from '../../src/net';
import { REPO_ROOT } from '../fakes/playground';
import { type Stack, startStack } from './harness';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(REPO_ROOT, 'test-artifacts', 'teams-playground.png');
const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const haveChromium = existsSync(CHROMIUM);

/** teams-testing.md §2: headless, offline, and only 127.0.0.1 / localhost resolve. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

jest.setTimeout(120_000);

if (!haveChromium && !inCi) {
  test.skip(`the playground in a browser (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`, () => {});
} else {
  let stack: Stack;
  let context: BrowserContext;
  let profileDir: string;
  const blocked: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run must apt-get install chromium`);
    stack = await startStack();
    profileDir = await mkdtemp(join(tmpdir(), 'restore-bot-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLoopbackUrl(url)) return route.continue();
      blocked.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  test('Alex types restore, clicks through the cards and requests approval; the card shows in the approvals channel', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    try {
      await walkTheJourney(page);
    } finally {
      // Also on failure: the picture says more than the timeout.
      await mkdir(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }
    expect(existsSync(SCREENSHOT)).toBe(true);
    // Only the Office CDN (fonts, an animation script) was asked for, and it was refused.
    expect(blocked.filter((url) => !url.startsWith('https://res-1.cdn.office.net/'))).toEqual([]);
  });

  async function walkTheJourney(page: Page): Promise<void> {
    await page.goto(stack.playground.url);
    await page.getByRole('treeitem', { name: /Personal Chat/ }).click();
    const composer = page.locator('[contenteditable="true"][role="textbox"]');
    await composer.click();
    await page.keyboard.type('restore');
    await page.keyboard.press('Enter');

    // The first card offers the vaults right away, with what tells them apart.
    await visible(page, 'Restore: pick a Backup vault');
    await pick(page, 'Backup vault', /^bv-prod-eastus — eastus · GeoRedundant · CRR Enabled/);
    await visible(page, 'Where to restore');
    await pick(page, 'Region', /^Primary region \(eastus\)/);
    await visible(page, 'Pick the PostgreSQL server');
    await pick(page, 'Server', /^pg-orders-prod/);
    await visible(page, 'Pick a recovery point');
    await pick(page, 'Recovery point', /\(1 day ago\)/);
    await visible(page, 'Answered for you: dr-eastus');
    await visible(page, 'Review the restore', 30_000);
    // A FactSet shows title and value in separate cells.
    await visible(page, 'Azure validation');
    await visible(page, 'Succeeded');
    await page.getByRole('button', { name: 'Request approval', exact: true }).last().click();

    const requested = page.getByText(/^Approval requested: R-[A-Z0-9]{4}$/).first();
    await requested.waitFor({ timeout: 15_000 });
    const requestId = /R-[A-Z0-9]{4}/.exec((await requested.textContent()) ?? '')?.[0];
    expect(requestId).toBeDefined();

    // The approval card waits in the policy's approvals channel, with exactly Approve and Reject.
    await page.getByRole('treeitem', { name: /Restore approvals/ }).click();
    await visible(page, `Restore approval: ${requestId}`);
    await visible(page, 'Requested by');
    await page.getByRole('button', { name: 'Approve', exact: true }).last().waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Reject', exact: true }).last().waitFor({ state: 'visible' });

    // Alex's own click is refused in the answer only he sees.
    await page.getByRole('button', { name: 'Approve', exact: true }).last().click();
    await visible(page, `You asked for ${requestId}, so you cannot approve`);
  }
}

async function visible(page: Page, text: string, timeout = 15_000): Promise<void> {
  // `.first()`: the page's Log Panel repeats message texts.
  await page.getByText(text).first().waitFor({ state: 'visible', timeout });
}

/** Opens the newest card's pick list called `label`, chooses the option, clicks Next. */
async function pick(page: Page, label: string, option: RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).last().click();
  await page.getByRole('option', { name: option }).first().click();
  await page.getByRole('button', { name: 'Next', exact: true }).last().click();
}
