import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/harness/run-result.ts';
import { runSuites } from '../src/harness/runner.ts';
import { loadSuites } from '../src/harness/suite-loader.ts';
import { PeersOnlyTarget } from '../src/harness/targets/peers-only.ts';
import { readRunDoc } from '../src/report/run-diff.ts';
import { writeReports } from '../src/report/write-reports.ts';
import { E2E_SUITE } from './support/e2e-suite.ts';
import { TEST_PEER_KINDS } from './support/loopback-clients.ts';

/**
 * Comparing runs in a real browser: two real runs of the e2e suite (run B with one case mended,
 * one broken, one dropped), B's report.html written with A as its baseline (`run --baseline`),
 * and `mmscert matrix A B` (the real binary) putting them side by side. Opened from file:// in
 * headless Chromium: the comparison section names the new failure and the fixed case and links
 * to both runs' case pages; the matrix has a column per run headed by its target, coloured cells
 * that open that run's case page, and the "only rows that differ" filter.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `${CHROMIUM} not installed (apt-get install chromium; CI installs it): test/report-compare.test.ts is skipped`,
  );

const repoRoot = path.resolve(import.meta.dirname, '..');
let dir: string;
let browser: Browser;

/** Run B's suite: throttled mended (no throttle), the ENUM case broken (wrong rcode), the deadline case gone. */
function suiteB(): string {
  const s = E2E_SUITE.replace('      - behaviour: { peer: smsc, kind: throttle, after: 0 }\n', '')
    .replace('where: { rcode: NOERROR,', 'where: { rcode: NXDOMAIN,')
    .replace(/ {2}- id: e2e\.deadline[\s\S]*$/, '');
  if (s === E2E_SUITE || s.includes('e2e.deadline') || s.includes('kind: throttle'))
    throw new Error('E2E_SUITE changed: update suiteB');
  return s;
}

async function runOf(name: string, text: string, seed: number): Promise<RunResult> {
  const suite = path.join(dir, `${name}.yaml`);
  writeFileSync(suite, text);
  const loaded = await loadSuites({ root: dir, files: [suite], peerKinds: TEST_PEER_KINDS });
  const run = await runSuites({
    cases: loaded.cases,
    target: new PeersOnlyTarget(),
    peerKinds: TEST_PEER_KINDS,
    seed,
    jobs: 4,
    runId: `run-${name}`,
  });
  run.target = { ...run.target, description: `target ${name.toUpperCase()}` };
  return run;
}

beforeAll(async () => {
  if (!hasChromium) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-compare-'));
  const a = await runOf('a', E2E_SUITE, 7);
  await writeReports(a, path.join(dir, 'a'), ['json', 'html'], undefined, { evidence: 'failing' });
  const b = await runOf('b', suiteB(), 8);
  await writeReports(b, path.join(dir, 'b'), ['json', 'html'], undefined, {
    evidence: 'failing',
    baseline: { doc: readRunDoc(path.join(dir, 'a')), dir: path.join(dir, 'a') },
  });
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'bin/mmscert.js'), 'matrix', 'a', 'b', '-o', 'side/matrix.html'],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`mmscert matrix: ${r.status} ${r.stderr}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// biome-ignore-start lint/performance/useDomNodeTextContent: the text as rendered is what a reader sees
describe.skipIf(!hasChromium)('comparing runs in headless Chromium', () => {
  it('report.html with --baseline: new failures, fixed, links to both runs', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'b', 'report.html')).href);
    const section = page.locator('section.baseline');
    expect(await section.isVisible()).toBe(true);
    expect(await section.locator('[data-baseline-summary]').innerText()).toMatch(
      /^1 new failure\(s\), 1 fixed, 0 other verdict change\(s\), 0 failing with other evidence, \d+ unchanged, 1 only in the baseline, 0 only in this run$/,
    );
    expect(await section.locator('[data-changes="new"] li').allInnerTexts()).toEqual([
      expect.stringMatching(/^pass → fail e2e\.enum\.001 baseline ENUM NAPTR for a subscriber\n.*rcode/s),
    ]);
    expect(await section.locator('[data-changes="fixed"] li').innerText()).toContain('e2e.smpp.throttled');
    expect(await section.locator('[data-changes="only-baseline"]').innerText()).toBe('e2e.deadline');
    expect(await section.locator('details.setup').textContent()).toContain('target: target A -> target B');
    // the comparison comes before the failures list
    const baseY = (await page.locator('#baseline').boundingBox())?.y ?? 1e9;
    expect(baseY).toBeLessThan((await page.locator('#failures').boundingBox())?.y ?? 0);
    // this run's page of the new failure, then the baseline's page of the fixed case
    await section.locator('[data-changes="new"] a.case-link').click();
    await page.waitForURL(/\/b\/cases\/e2e\.enum\.001\.html$/);
    expect(await page.locator('h1.case').getAttribute('data-verdict')).toBe('fail');
    await page.goBack();
    await section.locator('[data-changes="fixed"] a.baseline-link').click();
    await page.waitForURL(/\/a\/cases\/e2e\.smpp\.throttled\.html$/);
    expect(await page.locator('h1.case').getAttribute('data-verdict')).toBe('fail');
    await page.close();
  }, 60_000);

  it('mmscert matrix: a column per run, coloured cells opening each run’s case page, a filter', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'side', 'matrix.html')).href);
    const heads = page.locator('[data-section="cases"] th.run .target');
    expect(await heads.allInnerTexts()).toEqual(['target A', 'target B']);
    const enumRow = page.locator('[data-section="cases"] tr', { hasText: 'e2e.enum.001' });
    const cells = enumRow.locator('td.m');
    expect(await cells.count()).toBe(2);
    expect(await cells.nth(0).getAttribute('class')).toContain('c-pass');
    expect(await cells.nth(1).getAttribute('class')).toContain('c-fail');
    const bg = await cells
      .nth(1)
      .evaluate(
        (td) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(td).backgroundColor,
      );
    expect(bg).not.toBe('rgba(0, 0, 0, 0)');
    const deadline = page.locator('[data-section="cases"] tr', { hasText: 'e2e.deadline' });
    expect(await deadline.locator('td.m').nth(1).innerText()).toBe('–');
    // a requirement row: worst verdict per run
    const rfc = page.locator('[data-section="requirements"] tr', { hasText: 'RFC 6116 3.2' });
    expect(await rfc.locator('td.m').allInnerTexts()).toEqual(['pass', 'FAIL']);
    // only the rows that differ: enum (pass->fail), throttled (fail->pass), deadline (gone)
    const all = await page.locator('[data-section="cases"] [data-f]:visible').count();
    expect(all).toBe(7);
    await page.check('#f-differs');
    expect(
      await page.locator('[data-section="cases"] [data-f]:visible th.row .mono:not(.muted)').allInnerTexts(),
    ).toEqual(['e2e.deadline', 'e2e.enum.001', 'e2e.smpp.throttled']);
    expect(await page.locator('[data-shown="cases"]').innerText()).toBe('3');
    await page.fill('#f-q', 'throttled');
    expect(await page.locator('[data-section="cases"] [data-f]:visible').count()).toBe(1);
    // the cell opens run B's page of the case
    await page.fill('#f-q', '');
    await cells.nth(1).locator('a').click();
    await page.waitForURL(/\/b\/cases\/e2e\.enum\.001\.html$/);
    expect(await page.locator('h1.case').getAttribute('data-verdict')).toBe('fail');
    await page.close();
  }, 60_000);
});
// biome-ignore-end lint/performance/useDomNodeTextContent: above
