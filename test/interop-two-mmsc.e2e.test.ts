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
import {
  type InteropPairFiles,
  reserveInteropPairPorts,
  writeInteropPairFiles,
} from '../src/harness/interop/interop-pair-files.ts';
import { type InteropPurposes, loadInteropPurposes } from '../src/harness/interop/interop-purposes.ts';
import { type InteropRun, runInterop } from '../src/harness/interop/interop-run.ts';
import { verifyBundle } from '../src/report/evidence-bundle.ts';
import { type InteropReportFiles, writeInteropReport } from '../src/report/interop-report.ts';

/**
 * Two real MMSCs in one run (issue 17 items 3, 4, 5): two reference MMSCs as separate `mmscert serve`
 * processes on two domains (carrier A mms.mnc001.mcc310.gprs, carrier B mms.mnc002.mcc310.gprs),
 * each pointed at our recording MM4 relay, our SMSC and our ENUM / HLR (free loopback ports, none
 * fixed). Every test purpose of the MM4 matrix (suites/mm4/ir53-matrix.yaml) runs A -> B and
 * B -> A, or is not applicable with its reason; the verdicts come from the relayed mails and the
 * handsets' MM1. Then the evidence bundle is verified, tampered with, and report.html is read in
 * headless Chromium and printed to PDF. Last, a carrier B started with a deviation fails exactly
 * the purpose direction that deviation breaks.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const MATRIX = path.join(ROOT, 'suites', 'mm4', 'ir53-matrix.yaml');
const loaded: InteropPurposes = loadInteropPurposes(MATRIX);
const PURPOSES = loaded.purposes;
/** Not applicable between the two reference MMSCs: the matrix's own rows, STARTTLS (not in either
 * ICS), and oversize B -> A (B's limit is the smaller one, interop-pair-files.ts). */
const NOT_APPLICABLE = new Set([
  ...PURPOSES.filter((p) => p.notApplicable).flatMap((p) => [`${p.id} a->b`, `${p.id} b->a`]),
  'MM4-TLS-01 a->b',
  'MM4-TLS-01 b->a',
  'MM4-SIZE-01 b->a',
]);
const expectedVerdict = (id: string, d: string) =>
  NOT_APPLICABLE.has(`${id} ${d}`) ? 'not-applicable' : 'pass';
const BIN = path.join(ROOT, 'bin', 'mmscert.js');
const CHROMIUM = '/usr/bin/chromium';

let dir: string;
let children: ChildProcess[] = [];
let run: InteropRun;
let report: InteropReportFiles;
let browser: Browser | undefined;
let devPair: InteropPairFiles;
let devChildren: ChildProcess[] = [];
let devRun: InteropRun;

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
  // the deviating pair of the last describe starts and runs beside the main one: its B shows its
  // subscribers the originator of a forward that asked to hide it (src/mmsc/deviations.ts)
  devPair = writeInteropPairFiles(path.join(dir, 'deviating'), {
    ports: await reserveInteropPairPorts(),
    deviate: { b: ['mm4-ignore-sender-visibility'] },
  });
  const serve = (file: string) =>
    spawn(process.execPath, [BIN, 'serve', '--config', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  children = [serve(pair.a.mmscConfig), serve(pair.b.mmscConfig)];
  devChildren = [serve(devPair.a.mmscConfig), serve(devPair.b.mmscConfig)];
  await Promise.all([...children, ...devChildren].map(ready));
  const tReady = performance.now();
  const cfg = loadInteropConfig(loadInteropPair(pair.pair));
  // the deviating pair runs its two purposes beside the main run (its MMSCs must find our SMSC soon)
  const devCfg = loadInteropConfig(loadInteropPair(devPair.pair));
  const devPurposes = PURPOSES.filter((p) => ['MM4-EL-02', 'MM4-FWD-01'].includes(p.id));
  [run, devRun] = await Promise.all([
    runInterop(cfg, { ...loaded, tool: { name: 'mmscert', version: 'test' } }),
    runInterop(devCfg, { ...loaded, purposes: devPurposes }),
  ]);
  report = writeInteropReport(run, path.join(dir, 'report'));
  browser = await launching;
  // the figure for the issue: two processes up, every purpose both ways, bundle and report written
  process.stdout.write(
    `two-MMSC interop: processes up ${((tReady - t0) / 1000).toFixed(1)} s, up + run + report ${((performance.now() - t0) / 1000).toFixed(1)} s (purposes ${(run.result.wallMs / 1000).toFixed(1)} s)\n`,
  );
}, 90_000);

afterAll(async () => {
  await browser?.close();
  const all = [...children, ...devChildren];
  for (const c of all) c.kill('SIGTERM');
  await Promise.all(
    all.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))),
  );
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two reference MMSCs (separate processes) through the recording relay', () => {
  it('every matrix purpose passes in both directions, judged on the wire, or is not applicable with its reason', () => {
    const r = run.result;
    expect(r.setupError).toBeUndefined();
    expect(PURPOSES.length).toBe(29);
    const verdicts = r.outcomes.map((o) => `${o.purpose} ${o.direction} ${o.verdict}`);
    // what failed, for the message
    const why = r.outcomes
      .filter((o) => o.verdict !== expectedVerdict(o.purpose, o.direction))
      .map(
        (o) =>
          `${o.purpose} ${o.direction}: ${
            o.error ??
            o.checks
              .filter((c) => c.verdict !== 'pass')
              .map((c) => `${c.name}: ${c.observed}`)
              .join('; ')
          }`,
      );
    expect(verdicts, why.join('\n')).toEqual(
      PURPOSES.flatMap((p) => ['a->b', 'b->a'].map((d) => `${p.id} ${d} ${expectedVerdict(p.id, d)}`)),
    );
    for (const o of r.outcomes)
      if (o.verdict === 'pass')
        expect(o.checks.length, `${o.purpose} ${o.direction}`).toBeGreaterThanOrEqual(3);
      else expect(o.reason, `${o.purpose} ${o.direction}`).toMatch(/.{20}/);
    // ICS decides: neither ICS claims STARTTLS; B's message size is the smaller one
    expect(r.outcomes.find((o) => o.purpose === 'MM4-TLS-01')?.reason).toMatch(/mm4\.starttls/);
    expect(r.outcomes.find((o) => o.purpose === 'MM4-SIZE-01' && o.direction === 'b->a')?.reason).toMatch(
      /307200/,
    );
    // the relay's faults were met and the retries / duplicate handled
    const dup = r.outcomes.find((o) => o.purpose === 'MM4-DUP-01' && o.direction === 'a->b');
    expect(dup?.mails.map((m) => m.fault ?? '-')).toContain('lose-reply');
    const retry = r.outcomes.find((o) => o.purpose === 'MM4-RETRY-01' && o.direction === 'b->a');
    expect(retry?.mails.map((m) => m.fault ?? '-')).toContain('cut');
    // items an ICS does not claim are noted (megapixel: beyond B's 300 KB)
    expect(r.outcomes.find((o) => o.purpose === 'MM4-CLASS-01')?.notes?.join(' ')).toMatch(/megapixel/);
  });

  it('the relay recorded what each side put on MM4, in the right direction', () => {
    const fwd = run.result.outcomes.find((o) => o.purpose === 'MM4-DR-02' && o.direction === 'b->a');
    const kinds = fwd?.mails.map((m) => `${m.from}${m.to} ${m.type} ${m.dataReply?.code}`);
    // B originates: B forwards, A answers; A reports delivery, B answers (a loaded host may add a
    // retransmission: these four, in this order, among them)
    const inOrder = (want: string[], got: string[] = []) =>
      want.every((w, i) => got.indexOf(w) >= 0 && (i === 0 || got.indexOf(w) > got.indexOf(want[i - 1])));
    expect(
      inOrder(
        [
          'ba MM4_forward.REQ 250',
          'ab MM4_forward.RES 250',
          'ab MM4_delivery_report.REQ 250',
          'ba MM4_delivery_report.RES 250',
        ],
        kinds,
      ),
      kinds?.join('; '),
    ).toBe(true);
    const req = fwd?.mails[0];
    expect(Buffer.from(req?.data ?? []).toString('latin1')).toMatch(
      /^X-Mms-Message-Type: MM4_forward\.REQ\r$/m,
    );
    expect(req?.rcptTo[0]).toMatch(/^\+1555000\d{4}\/TYPE=PLMN@mms\.mnc001\.mcc310\.gprs$/);
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
    for (const p of PURPOSES)
      for (const d of ['a->b', 'b->a'])
        expect(html).toMatch(
          new RegExp(
            `data-purpose="${p.id}" data-direction="${d}"[^>]*data-verdict="${expectedVerdict(p.id, d)}"`,
          ),
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
    const eml = readdirSync(path.join(copy, 'mm4')).find((f) => f.endsWith('-MM4_forward.REQ.eml')) ?? '';
    appendFileSync(path.join(copy, 'mm4', eml), ' ');
    const [bad, good] = await Promise.all([cli(['verify-bundle', copy]), cli(['verify-bundle', report.dir])]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`MISMATCH mm4/${eml}: changed`);
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
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text, cells apart), not a DOM node's
      const parties = await page.locator('table.parties').innerText();
      expect(parties).toContain('mms.mnc001.mcc310.gprs');
      expect(parties).toContain('mms.mnc002.mcc310.gprs');
      expect(parties).toMatch(/MM1 versions\s+1\.0, 1\.1, 1\.2, 1\.3/);
      // summary: one row per purpose, a verdict per direction, totals
      const cells = page.locator('#summary td[data-direction]');
      expect(await cells.count()).toBe(PURPOSES.length * 2);
      expect(await page.locator('#summary td[data-verdict="pass"]').count()).toBe(
        PURPOSES.length * 2 - NOT_APPLICABLE.size,
      );
      const na = (d: string) => [...NOT_APPLICABLE].filter((x) => x.endsWith(d)).length;
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text, cells apart), not a DOM node's
      expect(await page.locator('td[data-total="a->b"]').innerText()).toBe(
        `${PURPOSES.length - na('a->b')} / ${PURPOSES.length} pass, ${na('a->b')} not applicable`,
      );
      // a summary cell leads to its direction's checks; every evidence link names a file of the bundle
      const href = await page
        .locator('#summary td[data-purpose="MM4-FWD-01"][data-direction="b->a"] a')
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

describe('a deviating carrier B fails exactly the purpose direction its deviation breaks', () => {
  it('MM4-EL-02 fails A -> B (B receives and ignores Hide), passes B -> A; the control purpose passes', () => {
    expect(
      devRun.result.outcomes.map((o) => `${o.purpose} ${o.direction} ${o.verdict}`),
      devRun.result.setupError,
    ).toEqual(['MM4-FWD-01 a->b pass', 'MM4-FWD-01 b->a pass', 'MM4-EL-02 a->b fail', 'MM4-EL-02 b->a pass']);
    const failed = devRun.result.outcomes
      .find((o) => o.verdict === 'fail')
      ?.checks.filter((c) => c.verdict === 'fail');
    expect(failed?.map((c) => c.name)).toEqual(['B does not show the originator’s number to its subscriber']);
  });
});
