import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownFailures } from '../src/harness/known-failures.ts';
import { runSuites } from '../src/harness/runner.ts';
import { loadSuites } from '../src/harness/suite-loader.ts';
import { PeersOnlyTarget } from '../src/harness/targets/peers-only.ts';
import { E2E_SUITE } from '../src/harness/testing/e2e-suite.ts';
import { TEST_PEER_KINDS } from '../src/harness/testing/loopback-clients.ts';
import { writeReports } from '../src/report/write-reports.ts';

/**
 * report.html of a real run (the e2e suite over the real SMSC and HLR peers) opened in headless
 * Chromium: the requirement matrix and a failing case (expected vs observed, sequence diagram)
 * render, and the page asks for nothing outside itself.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`${CHROMIUM} not installed: test/report-html.test.ts is skipped`);

let dir: string;
let html: string;

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
  await writeReports(run, path.join(dir, 'out'), ['html']);
  html = path.join(dir, 'out', 'report.html');
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  it('renders the matrix and a failing case, self-contained', async () => {
    const browser = await chromium.launch({
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
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      await page.goto(pathToFileURL(html).href);
      // Self-contained: the only request is the file itself.
      expect(requested).toEqual([pathToFileURL(html).href]);

      // The requirement x verdict matrix, per interface.
      const matrices = await page
        .locator('table.matrix')
        .evaluateAll((ts) => ts.map((t) => t.getAttribute('data-iface')));
      expect(matrices).toEqual(['MM5', 'SMPP']);
      const smpp = page.locator('table.matrix[data-iface="SMPP"]');
      await expect.poll(() => smpp.locator('tbody tr').count()).toBe(3);
      const failRow = smpp.locator('tbody tr', { hasText: '5.1.3' });
      expect(await failRow.getAttribute('data-verdict')).toBe('fail');
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered (CSS applied) is what a reader sees
      expect(await failRow.locator('td.c-fail a').innerText()).toBe('e2e.smpp.throttled');
      expect(
        await failRow
          .locator('td.c-fail')
          .evaluate(
            (td) =>
              (
                globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
              ).getComputedStyle(td).backgroundColor,
          ),
      ).not.toBe('rgba(0, 0, 0, 0)');

      // The failing case: open, visible, expected vs observed, its sequence diagram drawn.
      await failRow.locator('td.c-fail a').click();
      const failing = page.locator('details#case-e2e\\.smpp\\.throttled');
      expect(await failing.getAttribute('open')).not.toBeNull();
      expect(await failing.locator('pre.expected').isVisible()).toBe(true);
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered (CSS applied) is what a reader sees
      expect(await failing.locator('pre.expected').innerText()).toContain(
        'submit_sm_resp at smsc where command_status = "ESME_ROK"',
      );
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered (CSS applied) is what a reader sees
      expect(await failing.locator('pre.observed').innerText()).toContain('ESME_RTHROTTLED');
      const svg = failing.locator('svg.seq');
      expect(await svg.isVisible()).toBe(true);
      const box = await svg.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(200);
      expect(await svg.locator('g.lifeline').count()).toBeGreaterThanOrEqual(2);
      const arrows = await svg.locator('g.msg text').allTextContents();
      expect(arrows.join('|')).toContain('submit_sm_resp');
      expect(await svg.locator('g.note-error').count()).toBe(1);
      expect(await failing.locator('a[href$=".pcapng"]').getAttribute('href')).toBe(
        'e2e.smpp.throttled.pcapng',
      );

      // A passing case is collapsed; the summary counts are shown.
      expect(await page.locator('details#case-e2e\\.smpp\\.submit').getAttribute('open')).toBeNull();
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered (CSS applied) is what a reader sees
      expect(await page.locator('table.summary').innerText()).toMatch(
        /7\s+2\s+2\s+1\s+0\s+0\s+0\s+0\s+2\s+1\s+3/,
      );
    } finally {
      await browser.close();
    }
  }, 60_000);
});
