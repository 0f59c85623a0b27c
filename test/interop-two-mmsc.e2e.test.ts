import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInteropConfig, loadInteropPair } from '../src/harness/interop/interop-config.ts';
import { reserveInteropPairPorts, writeInteropPairFiles } from '../src/harness/interop/interop-pair-files.ts';
import { INTEROP_PURPOSES } from '../src/harness/interop/interop-purposes.ts';
import { type InteropRun, runInterop } from '../src/harness/interop/interop-run.ts';
import { verifyBundle } from '../src/report/evidence-bundle.ts';
import { type InteropReportFiles, writeInteropReport } from '../src/report/interop-report.ts';

/**
 * Two real MMSCs in one run (issue 17 items 4, 5): two reference MMSCs as separate `mmscert serve`
 * processes on two domains (carrier A mms.mnc001.mcc310.gprs, carrier B mms.mnc002.mcc310.gprs),
 * each pointed at our recording MM4 relay, our SMSC and our ENUM / HLR (free loopback ports, none
 * fixed). Every test purpose runs A -> B and B -> A; the verdicts come from the relayed
 * mails and the handsets' MM1. Then the evidence bundle is verified, tampered with, and
 * report.html is read in headless Chromium and printed to PDF.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'mmscert.js');
const CHROMIUM = '/usr/bin/chromium';

let dir: string;
let children: ChildProcess[] = [];
let run: InteropRun;
let report: InteropReportFiles;
let browser: Browser | undefined;

/** `mmscert ARGS`, its exit status and stdout (the two verify-bundle runs go side by side). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    c.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    c.once('close', (status) => resolve({ status, stdout }));
  });
}

function ready(c: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^store /m.test(out)) resolve();
    });
    c.once('exit', (code) => reject(new Error(`mmscert serve exited ${code}: ${out}`)));
  });
}

beforeAll(async () => {
  const t0 = performance.now();
  // Chromium starts while the MMSCs do (it is the slowest thing to start here)
  const launching = existsSync(CHROMIUM)
    ? chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      })
    : undefined;
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-interop-e2e-'));
  const pair = writeInteropPairFiles(path.join(dir, 'pair'), { ports: await reserveInteropPairPorts() });
  children = (['a', 'b'] as const).map((s) =>
    spawn(process.execPath, [BIN, 'serve', '--config', pair[s].mmscConfig], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(children.map(ready));
  const tReady = performance.now();
  const cfg = loadInteropConfig(loadInteropPair(pair.pair));
  run = await runInterop(cfg, { tool: { name: 'mmscert', version: 'test' } });
  report = writeInteropReport(run, path.join(dir, 'report'));
  browser = await launching;
  // the figure for the issue: two processes up, every purpose both ways, bundle and report written
  process.stdout.write(
    `two-MMSC interop: processes up ${((tReady - t0) / 1000).toFixed(1)} s, up + run + report ${((performance.now() - t0) / 1000).toFixed(1)} s (purposes ${(run.result.wallMs / 1000).toFixed(1)} s)\n`,
  );
}, 90_000);

afterAll(async () => {
  await browser?.close();
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))),
  );
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two reference MMSCs (separate processes) through the recording relay', () => {
  it('every test purpose passes in both directions, judged on the wire', () => {
    const r = run.result;
    expect(r.setupError).toBeUndefined();
    const verdicts = r.outcomes.map((o) => `${o.purpose} ${o.direction} ${o.verdict}`);
    expect(verdicts).toEqual(INTEROP_PURPOSES.flatMap((p) => [`${p.id} a->b pass`, `${p.id} b->a pass`]));
    for (const o of r.outcomes) expect(o.checks.length).toBeGreaterThanOrEqual(4);
  });

  it('the relay recorded what each side put on MM4, in the right direction', () => {
    const fwd = run.result.outcomes.find((o) => o.purpose === 'IOP-DR-01' && o.direction === 'b->a');
    const kinds = fwd?.mails.map((m) => `${m.from}${m.to} ${m.type} ${m.dataReply?.code}`);
    // B originates: B forwards, A answers; A reports delivery, B answers
    expect(kinds).toEqual([
      'ba MM4_forward.REQ 250',
      'ab MM4_forward.RES 250',
      'ab MM4_delivery_report.REQ 250',
      'ba MM4_delivery_report.RES 250',
    ]);
    const req = fwd?.mails[0];
    expect(Buffer.from(req?.data ?? []).toString('latin1')).toMatch(
      /^X-Mms-Message-Type: MM4_forward\.REQ\r$/m,
    );
    expect(req?.rcptTo[0]).toMatch(/^\+15550000001\/TYPE=PLMN@mms\.mnc001\.mcc310\.gprs$/);
    // each relayed connection's dialogue is in the evidence
    const dialogues = readFileSync(path.join(report.dir, 'mm4', 'smtp-dialogues.txt'), 'utf8');
    expect(dialogues).toMatch(/B -> relay -> A/);
    expect(dialogues).toMatch(/A: 250 /);
    // both legs of the relay tapped, each side's octets both ways (the capture is built from these)
    const legs = new Set(
      run.timeline
        .all()
        .filter((o) => o.kind === 'bytes' && o.node === 'relay')
        .map((o) => `${o.peer} ${o.direction}`),
    );
    expect([...legs].sort()).toEqual(['mmsc.a in', 'mmsc.a out', 'mmsc.b in', 'mmsc.b out']);
    // each side's MM4 mails are in the bundle as that side wrote them
    const eml = readdirSync(path.join(report.dir, 'mm4'));
    for (const t of [
      'MM4_forward.REQ',
      'MM4_forward.RES',
      'MM4_delivery_report.REQ',
      'MM4_read_reply_report.REQ',
    ])
      for (const d of ['ab', 'ba'])
        expect(
          eml.some((f) => f.includes(`-${d}-${t}.`)),
          `${d} ${t}`,
        ).toBe(true);
    expect(statSync(path.join(report.dir, 'capture.pcapng')).size).toBeGreaterThan(10_000);
  });

  it('report.html names both parties, their versions and ICS, every purpose both ways, and the seal', () => {
    const html = readFileSync(report.html, 'utf8');
    for (const side of ['a', 'b'] as const) {
      const p = run.result.parties[side];
      expect(html).toContain(p.ics.provisioning.domain);
      expect(html).toContain(p.ics.implementation.name);
      expect(html).toContain(`href="ics/${side}.ics.yaml"`);
    }
    for (const p of INTEROP_PURPOSES)
      for (const d of ['a->b', 'b->a'])
        expect(html).toMatch(
          new RegExp(`data-purpose="${p.id}" data-direction="${d}"[^>]*data-verdict="pass"`),
        );
    expect(html).toContain(report.seal.hash);
    expect(html).toMatch(/@media print/);
  });

  it('the evidence bundle verifies, and a changed octet is found', async () => {
    const ok = verifyBundle(report.dir);
    expect(ok.problems).toEqual([]);
    expect(ok.hash).toBe(report.seal.hash);
    expect(readFileSync(path.join(report.dir, 'BUNDLE.sha256'), 'utf8')).toBe(
      `${report.seal.hash}  MANIFEST.sha256\n`,
    );
    // the CLI on a tampered copy: exit 1 naming the file; sha256sum agrees with the manifest
    const copy = path.join(dir, 'tampered');
    cpSync(report.dir, copy, { recursive: true });
    appendFileSync(path.join(copy, 'mm4', '001-ab-MM4_forward.REQ.eml'), ' ');
    const [bad, good] = await Promise.all([cli(['verify-bundle', copy]), cli(['verify-bundle', report.dir])]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/MISMATCH mm4\/001-ab-MM4_forward\.REQ\.eml: changed/);
    expect(good.stdout).toBe(`OK ${report.seal.hash} (${report.seal.files} files)\n`);
    expect(good.status).toBe(0);
    const sum = spawnSync('sha256sum', ['-c', '--quiet', 'MANIFEST.sha256'], {
      cwd: report.dir,
      encoding: 'utf8',
    });
    if (sum.error === undefined) expect(sum.status).toBe(0);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'report.html reads as an IR.53 test report in Chromium and prints to PDF',
    async () => {
      if (!browser) throw new Error('Chromium did not start');
      const page = await browser.newPage();
      const asked: string[] = [];
      page.on('request', (r) => asked.push(r.url()));
      await page.goto(pathToFileURL(report.html).href);
      expect(await page.getAttribute('body', 'data-bundle-sha256')).toBe(report.seal.hash);
      expect(await page.locator('h1').textContent()).toBe('MMS interworking test report');
      // parties: both domains and versions, side by side
      const parties = await page.locator('table.parties').innerText();
      expect(parties).toContain('mms.mnc001.mcc310.gprs');
      expect(parties).toContain('mms.mnc002.mcc310.gprs');
      expect(parties).toMatch(/MM1 versions\s+1\.0, 1\.1, 1\.2, 1\.3/);
      // summary: one row per purpose, a verdict per direction, totals
      const cells = page.locator('#summary td[data-direction]');
      expect(await cells.count()).toBe(INTEROP_PURPOSES.length * 2);
      expect(await page.locator('#summary td[data-verdict="pass"]').count()).toBe(
        INTEROP_PURPOSES.length * 2,
      );
      expect(await page.locator('td[data-total="a->b"]').innerText()).toBe(
        `${INTEROP_PURPOSES.length} / ${INTEROP_PURPOSES.length} pass`,
      );
      // a summary cell leads to its direction's checks; every evidence link names a file of the bundle
      const href = await page
        .locator('#summary td[data-purpose="IOP-FWD-01"][data-direction="b->a"] a')
        .getAttribute('href');
      expect(
        await page.locator(`[id="${href?.slice(1)}"] table.checks tbody tr`).count(),
      ).toBeGreaterThanOrEqual(6);
      const links = await page
        .locator('a[href]:not([href^="#"])')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(links.length).toBeGreaterThan(20);
      for (const l of links) expect(existsSync(path.join(report.dir, l)), l).toBe(true);
      // the ICS of both sides, item by item
      expect(await page.locator('table.ics tr.differs').count()).toBeGreaterThan(2);
      // self-contained: nothing asked for but the page
      expect(asked).toEqual([pathToFileURL(report.html).href]);
      // printable: the print CSS applies (A4, no screen width cap) and the PDF has pages
      await page.emulateMedia({ media: 'print' });
      const maxWidth = await page
        .locator('body')
        .evaluate(
          (b) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { maxWidth: string } }
            ).getComputedStyle(b).maxWidth,
        );
      expect(maxWidth).toBe('none');
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(2);
    },
  );
});
