import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownFailures } from '../src/harness/known-failures.ts';
import { runSuites } from '../src/harness/runner.ts';
import { loadSuites } from '../src/harness/suite-loader.ts';
import { PeersOnlyTarget } from '../src/harness/targets/peers-only.ts';
import { writeReports } from '../src/report/write-reports.ts';
import { E2E_SUITE } from './support/e2e-suite.ts';
import { TEST_PEER_KINDS } from './support/loopback-clients.ts';

/**
 * report.html of a real run (the e2e suite over the real SMSC and HLR peers, `--evidence failing`
 * as `mmscert run` writes by default) opened from file:// in headless Chromium, as a reader
 * uses it: the verdict counts and the failures come first; the interface, level and verdict
 * filters and the search hide rows; a failing case's page (diagram with its missed deadline,
 * expected vs observed) opens from its link; its PCAP link gives the capture. The index asks
 * for nothing outside itself, and its first paint is measured.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `${CHROMIUM} not installed (apt-get install chromium; CI installs it): test/report-html.test.ts is skipped`,
  );

let dir: string;
let html: string;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-html-'));
  const suite = path.join(dir, 'e2e.yaml');
  writeFileSync(suite, E2E_SUITE);
  const loaded = await loadSuites({ root: dir, files: [suite], peerKinds: TEST_PEER_KINDS });
  const run = await runSuites({
    cases: loaded.cases,
    target: new PeersOnlyTarget(),
    peerKinds: TEST_PEER_KINDS,
    seed: 7,
    jobs: 4,
    knownFailures: knownFailures([{ id: 'e2e.smpp.known', reason: 'no ESME in this case' }]),
  });
  await writeReports(run, path.join(dir, 'out'), ['html'], undefined, { evidence: 'failing' });
  html = path.join(dir, 'out', 'report.html');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** report.html opened, its grid and case list in place (the page's script puts them in after its first paint). */
async function open(page: Page, url = pathToFileURL(html).href): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-mounted]');
}

/** Rows of a section the filters leave visible. */
async function shown(page: Page, section: string): Promise<number> {
  return page.locator(`[data-section="${section}"] [data-f]:visible`).count();
}

// biome-ignore-start lint/performance/useDomNodeTextContent: the text as rendered (CSS applied) is what a reader sees
describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  it('opens failures first, self-contained, and paints at once', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await open(page);
    expect(requested).toEqual([pathToFileURL(html).href]);
    const [paint, mounted] = await page.evaluate(() => [
      performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
      performance.getEntriesByName('mmscert-mounted')[0]?.startTime ?? -1,
    ]);
    console.log(
      `report.html: ${statSync(html).size} octets, first contentful paint ${Math.round(paint)} ms, grid in place ${Math.round(mounted)} ms`,
    );
    expect(paint).toBeGreaterThan(0);
    expect(mounted).toBeGreaterThan(0);

    // the verdict counts, all levels together (the e2e suite: 2 pass, 2 fail, 2 error, 1 known)
    const all = page.locator('table.counts tr[data-level="all"]');
    expect(await all.innerText()).toMatch(/all\s+7\s+2\s+2\s+0\s+0\s+2\s+1/);
    // failures first: the list comes before the matrix, unexpected failures before the known one
    const items = await page.locator('ol.failures > li').allInnerTexts();
    expect(items.length).toBe(5);
    expect(items[0]).toContain('e2e.smpp.throttled');
    expect(items[0]).toContain('5.1.3');
    expect(items[0]).toContain('no matching observation within 300 ms');
    expect(items.at(-1)).toContain('e2e.smpp.known');
    const failY = (await page.locator('#failures').boundingBox())?.y ?? 1e9;
    const matrixY = (await page.locator('#matrix').boundingBox())?.y ?? 0;
    expect(failY).toBeLessThan(matrixY);
    // a compact grid: one row per requirement, coloured cells
    const rows = page.locator('table.matrix tbody tr');
    expect(await rows.count()).toBe(4);
    const failRow = rows.filter({ hasText: '5.1.3' });
    expect(await failRow.locator('td.c').innerText()).toBe('fail');
    const bg = await failRow
      .locator('td.c')
      .evaluate(
        (td) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(td).backgroundColor,
      );
    expect(bg).not.toBe('rgba(0, 0, 0, 0)');
    expect(await failRow.locator('a.chip.c-fail').getAttribute('href')).toBe('cases/e2e.smpp.throttled.html');
    await page.close();
  }, 60_000);

  it('filters by interface, level and verdict, and searches', async () => {
    const page = await browser.newPage();
    await open(page);
    expect(await shown(page, 'cases')).toBe(7);
    await page.selectOption('#f-iface', 'MM5');
    expect(await shown(page, 'cases')).toBe(1);
    expect(await shown(page, 'matrix')).toBe(1);
    expect(await shown(page, 'failures')).toBe(0);
    await page.selectOption('#f-iface', '');
    await page.selectOption('#f-verdict', 'fail');
    expect(await shown(page, 'cases')).toBe(2);
    expect(await shown(page, 'failures')).toBe(2);
    await page.selectOption('#f-level', 'SHOULD');
    expect(await shown(page, 'cases')).toBe(1);
    expect(await page.locator('[data-section="cases"] [data-f]:visible').innerText()).toContain(
      'e2e.smpp.should',
    );
    // the filter is kept in the fragment (a reader coming back from a case page finds it)
    expect(new URL(page.url()).hash).toBe('#level=SHOULD&verdict=fail');
    await page.selectOption('#f-level', '');
    await page.selectOption('#f-verdict', '');
    await page.fill('#f-q', 'throttles');
    expect(await shown(page, 'cases')).toBe(1);
    await page.fill('#f-q', '5.1.3 smpp');
    expect(await shown(page, 'matrix')).toBe(1);
    expect(await page.locator('[data-shown="cases"]').innerText()).toBe('1');
    await page.fill('#f-q', 'no such thing anywhere');
    expect(await shown(page, 'cases')).toBe(0);
    // opened with a fragment: filtered at once
    await open(page, `${pathToFileURL(html).href}#verdict=error`);
    await page.reload();
    await page.waitForSelector('body[data-mounted]');
    expect(await shown(page, 'cases')).toBe(2);
    await page.close();
  }, 60_000);

  it('opens a failing case from its link, with its diagram and deadline, and follows the PCAP link', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await open(page);
    await page.locator('ol.failures a.case-link', { hasText: 'e2e.smpp.throttled' }).click();
    await page.waitForURL(/cases\/e2e\.smpp\.throttled\.html$/);
    expect(await page.locator('h1.case').getAttribute('data-verdict')).toBe('fail');
    expect(await page.locator('pre.expected').innerText()).toContain(
      'submit_sm_resp at smsc where command_status = "ESME_ROK"',
    );
    expect(await page.locator('pre.observed').innerText()).toContain('ESME_RTHROTTLED');
    const svg = page.locator('svg.seq');
    expect(await svg.isVisible()).toBe(true);
    expect(await svg.locator('g.lifeline').count()).toBeGreaterThanOrEqual(2);
    expect((await svg.locator('g.msg text').allTextContents()).join('|')).toContain('submit_sm_resp');
    // times since the case started, and the missed deadline drawn across the diagram
    const times = await svg.locator('text.t').allTextContents();
    expect(times.length).toBeGreaterThan(2);
    for (const t of times) expect(t).toMatch(/^\+\d+\.\d ms$/);
    const deadline = svg.locator('g.deadline-missed');
    expect(await deadline.count()).toBe(1);
    expect(await deadline.textContent()).toMatch(/deadline \+\d+\.\d ms: .*within 300 ms/);
    // the steps table gives each expectation's window
    expect(await page.locator('table.steps tr[data-status="fail"]').innerText()).toMatch(/within 300 ms/);
    // the capture: a PCAPNG (section header block 0x0A0D0D0A)
    const link = page.locator('a.pcap');
    expect(await link.getAttribute('href')).toBe('../e2e.smpp.throttled.pcapng');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.url()).toMatch(/\/e2e\.smpp\.throttled\.pcapng$/);
    const saved = await download.path();
    expect(readFileSync(saved).readUInt32BE(0)).toBe(0x0a0d0d0a);
    // back to the report
    await page.goto(pathToFileURL(path.join(dir, 'out', 'cases', 'e2e.smpp.throttled.html')).href);
    await page.locator('a', { hasText: 'report' }).first().click();
    await page.waitForURL(/report\.html/);
    await context.close();
  }, 60_000);

  it("a passing case's page says its evidence was not kept; no capture is written for it", async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'out', 'cases', 'e2e.smpp.submit.html')).href);
    expect(await page.locator('h1.case').getAttribute('data-verdict')).toBe('pass');
    expect(await page.locator('svg.seq').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain('--evidence all');
    expect(await page.locator('table.steps tbody tr').count()).toBe(4);
    expect(existsSync(path.join(dir, 'out', 'e2e.smpp.submit.pcapng'))).toBe(false);
    expect(existsSync(path.join(dir, 'out', 'e2e.smpp.throttled.pcapng'))).toBe(true);
    // Chromium refuses fetch() of a file next to a page opened from file:// (why the details are pages)
    await page.goto(pathToFileURL(html).href);
    const fetched = await page.evaluate(async () => {
      try {
        await fetch('cases/e2e.smpp.submit.html');
        return 'fetched';
      } catch {
        return 'refused';
      }
    });
    expect(fetched).toBe('refused');
    await page.close();
  }, 60_000);
});
// biome-ignore-end lint/performance/useDomNodeTextContent: above
