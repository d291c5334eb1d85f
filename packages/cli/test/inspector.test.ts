import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcessor, startProjection } from '@chronicle/core';
import { createSqliteEventStore, type SqliteEventStore } from '@chronicle/sqlite';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balancesV2 } from './fixtures/balances-projection';
import { type RunningCli, startChronicle } from './run-cli';
import { seed } from './seed';

// Debian's chromium, never a downloaded browser. Under CI=true a missing one fails the suite.
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(
    `${CHROMIUM} is missing, and under CI=true the browser tests must run (apt-get install -y chromium)`,
  );
}
const describeBrowser = haveChromium ? describe : describe.skip;
const title = (name: string) => (haveChromium ? name : `${name} — skipped: ${CHROMIUM} is not installed`);

/** Screenshots land here (git-ignored): test artifacts, one of them copied into docs/images by hand. */
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const fixture = (name: string) => `${join(import.meta.dirname, 'fixtures/account-model.ts')}#${name}`;

const dir = mkdtempSync(join(tmpdir(), 'chronicle-inspector-'));
const file = join(dir, 'inspected.db');
let store: SqliteEventStore;
let inspector: RunningCli;
let url = '';
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!haveChromium) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  store = createSqliteEventStore({ filename: file });
  await seed(store, 3, 4); // positions 1..13
  for (const [id, upTo] of [
    ['balances', 13n],
    ['emails', 13n],
  ] as const) {
    const processor = startProcessor(store, { id, handle: () => {} });
    await processor.whenProcessed(upTo);
    await processor.stop();
  }
  await store.checkpoints.reset('emails', 4n); // 9 behind the head
  const projection = startProjection(store, balancesV2); // its first version: active at once
  await projection.whenProcessed(13n);
  await projection.stop();
  inspector = startChronicle([
    'inspect',
    '--db',
    file,
    '--port',
    '0',
    '--json',
    '--aggregate',
    `Account=${fixture('Account')}`,
  ]);
  url = JSON.parse((await inspector.waitFor('stdout', /\{.*\}\n/))[0]).url;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  // Offline: every request the page makes must go to the inspector itself.
  await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (inspector !== undefined) {
    inspector.child.kill('SIGTERM');
    await inspector.exited;
  }
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describeBrowser(title('the web inspector in chromium'), () => {
  it('shows the store, browses to a stream, reads an event and the state at its version', async () => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('[data-testid=store]')).toBe(file);
    // Search: one type, ids starting with acc-1.
    await page.fill('input[name=type]', 'Account');
    await page.fill('input[name=idPrefix]', 'acc-1');
    await page.click('#search button[type=submit]');
    await page.waitForSelector('[data-testid="stream Ledger/main"]', { state: 'detached' });
    expect(await page.locator('[data-testid=stream-list] li').allTextContents()).toEqual([
      'Account/acc-1  (v4)',
    ]);
    await page.click('[data-testid="stream Account/acc-1"]');
    await page.waitForSelector('[data-testid="event 5"]');
    expect(await page.locator('[data-testid=timeline] li').count()).toBe(4);
    await page.click('[data-testid="event 5"]');
    await page.waitForSelector('[data-testid=state-json]:has-text("balance")');
    const event = JSON.parse((await page.textContent('[data-testid=event-json]'))!);
    expect(event).toMatchObject({
      position: '5',
      aggregateType: 'Account',
      aggregateId: 'acc-1',
      version: 2,
      eventType: 'MoneyDeposited',
      schemaVersion: 1,
      data: { amount: 10 },
      upcast: false,
    });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await page.textContent('[data-testid=state-json]'))!)).toEqual({
      owner: 'owner-1',
      balance: 10,
    });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-streams.png') });
    expect(requests.every((r) => r.startsWith(url))).toBe(true); // nothing from a CDN
  });

  it('watches a live event appear in the tail as the test appends it', async () => {
    await page.click('[role=tab][data-tab=tail]');
    await store.append({ aggregateType: 'Account', aggregateId: 'acc-live' }, 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Live Larry' } },
    ]);
    const line = await page.waitForSelector('[data-testid="tail 14"]');
    expect(await line.textContent()).toContain('Account/acc-live');
    expect(await line.textContent()).toContain('Live Larry');
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-tail.png') });
  });

  it("shows each processor's lag, with a chart, and refuses a reset without --allow-writes", async () => {
    await page.click('[role=tab][data-tab=processors]');
    const row = await page.waitForSelector('[data-testid="processor emails"]');
    expect(await page.isVisible('#streams')).toBe(false);
    const cells = await row.$$eval('td', (tds) => tds.map((td) => td.textContent));
    expect(cells.slice(0, 4)).toEqual(['emails', '4', '10', '0']); // head 14 after the live append
    expect(await page.locator('#lag-chart canvas').count()).toBe(1);
    expect(await page.locator('[data-testid="processor emails"] button').count()).toBe(0);
    const refused = await page.evaluate(async () => {
      const response = await fetch('/api/processors/reset', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ processorId: 'emails', to: '0' }),
      });
      return { status: response.status, body: (await response.json()) as { error: string } };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toContain('--allow-writes');
    expect((await store.checkpoints.load('emails'))?.position).toBe(4n);
    await page.waitForTimeout(1500); // a second refresh, so the chart has a line
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-processors.png') });
  });

  it("lists the projections and pages through a collection's documents, read-only", async () => {
    await page.click('[role=tab][data-tab=projections]');
    await page.waitForSelector('[data-testid=projection]:has-text("balances v2 — active")');
    await page.click('[data-testid=collection-balances-2-balances]');
    await page.waitForSelector('[data-testid=document]:has-text("acc-2")');
    expect(await page.locator('[data-testid=document]').allTextContents()).toEqual([
      'acc-0',
      'acc-1',
      'acc-2',
    ]);
    await page.click('[data-testid=document]:has-text("acc-1")');
    expect(JSON.parse((await page.textContent('[data-testid=document-json]'))!)).toMatchObject({
      id: 'acc-1',
      data: { owner: 'owner-1', balance: 60 },
    });
    // The API behind it: keyset pages in id order.
    const pages = await page.evaluate(async () => {
      type Page = { documents: { id: string }[]; next: string | null; version: number };
      const get = async (query: string) => (await (await fetch(`/api/documents?${query}`)).json()) as Page;
      const first = await get('projection=balances&collection=balances&limit=2');
      const second = await get(`projection=balances&collection=balances&limit=2&after=${first.next}`);
      return [first, second];
    });
    expect(pages.map((p) => [p.version, p.documents.map((d) => d.id), p.next])).toEqual([
      [2, ['acc-0', 'acc-1'], 'acc-1'],
      [2, ['acc-2'], null],
    ]);
    const refused = await page.evaluate(async () =>
      Promise.all(
        [
          'collection=balances',
          'projection=nope&collection=balances',
          'projection=balances&collection=balances&limit=501',
        ].map(async (query) => {
          const response = await fetch(`/api/documents?${query}`);
          return [response.status, ((await response.json()) as { error: string }).error];
        }),
      ),
    );
    expect(refused).toEqual([
      [400, 'projection is required'],
      [404, 'projection nope has no active version'],
      [400, 'limit must be an integer from 1 to 500'],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-projections.png') });
  });
});
