/**
 * The docs page in a real browser: headless Chromium (Debian's, driven by playwright-core) opens
 * /docs, sees the four dialects, authorizes with the demo Engagement key and runs one "Try it out"
 * call against this server.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { startSeededServer, type TestServer } from '#test/support/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// This machine's network is closed: without these, Chromium retries Google's services at every start.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startSeededServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('lists the four dialects and runs "Try it out" against the local server', { timeout: 60_000 }, async () => {
  const apiCalls: string[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/v0/')) apiCalls.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(`${server.url}/docs`);

  const dialects = page.locator('.topbar select option');
  await expect
    .poll(() => dialects.allTextContents())
    .toEqual(['Engagement (/v0)', 'Netux (/api/v2.0)', 'Apidae (/api/v002)', 'Responsys (/rest/api/v1.3)']);
  await page.locator('.info .title').filter({ hasText: 'Engagement API' }).waitFor();

  await page.locator('button.authorize').first().click();
  await page.locator('.modal-ux input[type=text]').fill('demo-engagement-key-0001');
  await page.locator('.modal-ux .auth-btn-wrapper button.authorize').click();
  await page.locator('.modal-ux .btn-done').click();

  const operation = page.locator('#operations-Publishers-EngagementListPublishers');
  await operation.locator('.opblock-summary').click();
  await operation.locator('button.try-out__btn').click();
  await operation.locator('button.execute').click();

  const status = operation.locator('.live-responses-table tbody .response-col_status').first();
  await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('200');
  await expect.poll(() => operation.locator('.live-responses-table .microlight').first().textContent()).toContain('partenaire_id_1');
  expect(apiCalls).toEqual(['200 /v0/publisher']);
});
