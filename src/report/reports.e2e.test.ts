import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_SUITE } from '../../test/support/e2e-suite.ts';
import { TEST_PEER_KINDS } from '../../test/support/loopback-clients.ts';
import { readPackets } from '../../test/support/pcapng-reader.ts';
import { pcapCheck } from '../../test/support/tshark.ts';
import { knownFailures } from '../harness/known-failures.ts';
import { previousRun } from '../harness/rerun-failed.ts';
import type { RunResult } from '../harness/run-result.ts';
import { runSuites } from '../harness/runner.ts';
import { loadSuites } from '../harness/suite-loader.ts';
import { PeersOnlyTarget } from '../harness/targets/peers-only.ts';
import { haveTshark, tsharkText } from '../wire/tshark.ts';
import { htmlReport } from './html-report.ts';
import { renderCase } from './render-case.ts';
import { resultsJson } from './results-json.ts';
import { pruneRuns } from './retention.ts';
import { TerminalReporter } from './terminal-reporter.ts';
import { casePcapName, REPORTERS, ReportWriter, writeReports } from './write-reports.ts';

/** Reports of a real run (the e2e suite over the real SMSC and HLR peers), checked by independent readers. */

const hasTshark = haveTshark();
if (!hasTshark) console.warn('tshark not installed: the PCAPNG checks of reports.e2e.test.ts are skipped');

let dir: string;
let run: RunResult;
let files: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-reports-'));
  const suite = path.join(dir, 'e2e.yaml');
  writeFileSync(suite, E2E_SUITE);
  const loaded = await loadSuites({ root: dir, files: [suite], peerKinds: TEST_PEER_KINDS });
  run = await runSuites({
    cases: loaded.cases,
    target: new PeersOnlyTarget(),
    peerKinds: TEST_PEER_KINDS,
    seed: 99,
    jobs: 4,
    knownFailures: knownFailures([{ id: 'e2e.smpp.known', reason: 'no ESME in this case' }]),
  });
  files = await writeReports(run, path.join(dir, 'out'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const out = (name: string) => path.join(dir, 'out', name);

describe('reports of a real run', () => {
  it('writes every report and one capture per case that recorded bytes', () => {
    const names = files.map((f) => path.relative(out('.'), f)).sort();
    expect(names).toEqual(
      [
        'cases/case.css',
        ...run.cases.map((c) => `cases/${c.id}.html`),
        'coverage.md',
        'e2e.enum.001.pcapng',
        'e2e.smpp.broken-peer.pcapng',
        'e2e.smpp.should.pcapng',
        'e2e.smpp.submit.pcapng',
        'e2e.smpp.throttled.pcapng',
        'junit.xml',
        'report.html',
        'results.json',
        'run.pcapng',
      ].sort(),
    );
  });

  it('results.json is the RunResult, bytes as $base64', () => {
    // assembled from each case's rendering: the very text of the whole run stringified at once
    expect(readFileSync(out('results.json'), 'utf8') === resultsJson(run)).toBe(true);
    // report.html too: the text of the whole report rendered as one string
    expect(readFileSync(out('report.html'), 'utf8') === htmlReport(run, { runPcapng: 'run.pcapng' })).toBe(
      true,
    );
    const r = JSON.parse(readFileSync(out('results.json'), 'utf8'));
    expect(r.summary).toEqual(run.summary);
    expect(r.cases.map((c: { id: string }) => c.id)).toEqual(run.cases.map((c) => c.id));
    const bytes = r.cases[0].timeline.observations.find((o: { kind: string }) => o.kind === 'bytes');
    expect(typeof bytes.raw.$base64).toBe('string');
  });

  it('junit.xml is well-formed, one testsuite per interface and family, failures typed by level', () => {
    const xml = readFileSync(out('junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => ['testsuite', 'testcase'].includes(n),
    }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<{
      name: string;
      testcase: Array<Record<string, unknown>>;
    }>;
    expect(suites.map((s) => s.name)).toEqual(['MM5 e2e.enum', 'SMPP e2e.smpp', 'SMPP e2e']);
    const all = suites.flatMap((s) => s.testcase);
    const byName = (id: string) =>
      all.find((t) => String(t.name).startsWith(`${id} `)) as Record<
        string,
        { type?: string; message?: string; '#text'?: string }
      >;
    expect(byName('e2e.smpp.throttled').failure.type).toBe('SHALL');
    expect(byName('e2e.smpp.throttled').failure['#text']).toContain('observed:');
    expect(byName('e2e.smpp.throttled').failure['#text']).toContain('ESME_RTHROTTLED');
    expect(byName('e2e.smpp.should').failure.type).toBe('SHOULD');
    expect(byName('e2e.smpp.broken-peer').error).toBeDefined();
    expect(byName('e2e.smpp.known').skipped.message).toContain('known failure');
    expect(byName('e2e.smpp.submit').failure).toBeUndefined();
    expect(doc.testsuites.tests).toBe('7');
  });

  it('gives the same files, octet for octet, from cases rendered apart (as worker threads do)', async () => {
    const copy = structuredClone(run);
    const rendered = copy.cases.map((c) => renderCase(c, { json: true, html: true }));
    // what a worker sends back: the case without its timeline's observations
    const light = {
      ...copy,
      cases: copy.cases.map((c) => ({
        ...c,
        timeline: { originEpochMs: c.timeline.originEpochMs, observations: [] },
      })),
    };
    const again = await writeReports(light, path.join(dir, 'out2'), REPORTERS, {
      cases: rendered,
      capturesWritten: false,
    });
    const rel = (d: string, f: string) => path.relative(path.join(dir, d), f);
    expect(again.map((f) => rel('out2', f)).sort()).toEqual(files.map((f) => rel('out', f)).sort());
    for (const f of files) {
      const other = path.join(dir, 'out2', rel('out', f));
      expect({ file: rel('out', f), same: readFileSync(f).equals(readFileSync(other)) }).toEqual({
        file: rel('out', f),
        same: true,
      });
    }
  });

  it('run.pcapng holds every packet of the case captures', () => {
    const count = (f: string) => readPackets(readFileSync(f)).length;
    const cases = files.filter((f) => f.endsWith('.pcapng') && !f.endsWith('run.pcapng'));
    expect(count(out('run.pcapng'))).toBe(cases.reduce((n, f) => n + count(f), 0));
  });

  it('--evidence failing: captures and timelines of failed, erring and inconclusive cases only; readers still work', async () => {
    const copy = structuredClone(run);
    const got = await writeReports(copy, path.join(dir, 'out3'), REPORTERS, undefined, {
      evidence: 'failing',
    });
    const names = got.map((f) => path.relative(path.join(dir, 'out3'), f)).sort();
    const kept = run.cases.filter((c) => ['fail', 'error', 'inconclusive'].includes(c.verdict));
    expect(names.filter((n) => n.endsWith('.pcapng')).sort()).toEqual(
      kept
        .filter((c) => c.pcapng)
        .map((c) => casePcapName(c.id))
        .sort(),
    );
    expect(names).toContain('run.pcapng.gz');
    expect(names).not.toContain('run.pcapng');
    // the gzip'd run capture: every packet of the kept captures
    const count = (b: Buffer) => readPackets(b).length;
    const merged = gunzipSync(readFileSync(path.join(dir, 'out3', 'run.pcapng.gz')));
    expect(count(merged)).toBe(
      names
        .filter((n) => n.endsWith('.pcapng'))
        .reduce((n, f) => n + count(readFileSync(path.join(dir, 'out3', f))), 0),
    );
    const r = JSON.parse(readFileSync(path.join(dir, 'out3', 'results.json'), 'utf8'));
    expect(r.evidence).toBe('failing');
    expect(r.summary).toEqual(run.summary);
    for (const c of r.cases) {
      const keep = ['fail', 'error', 'inconclusive'].includes(c.verdict);
      const was = run.cases.find((x) => x.id === c.id)?.timeline.observations.length;
      expect({ id: c.id, omitted: c.evidenceOmitted ?? false, obs: c.timeline.observations.length }).toEqual({
        id: c.id,
        omitted: !keep,
        obs: keep ? was : 0,
      });
    }
    // --rerun-failed reads it
    expect(
      previousRun(path.join(dir, 'out3'))
        .cases.map((c) => c.id)
        .sort(),
    ).toEqual(kept.map((c) => c.id).sort());
    // a writer given the cases in another order writes the same results.json and report.html
    const copy2 = structuredClone(run);
    const w = new ReportWriter(path.join(dir, 'out4'), REPORTERS, { evidence: 'failing' });
    const order = copy2.cases.map((_, i) => i).reverse();
    await Promise.all(order.map((i) => w.add(i, copy2.cases[i])));
    await w.finish(copy2);
    for (const f of ['results.json', 'report.html', 'junit.xml'])
      expect({
        f,
        same: readFileSync(path.join(dir, 'out4', f)).equals(readFileSync(path.join(dir, 'out3', f))),
      }).toEqual({
        f,
        same: true,
      });
    expect(existsSync(path.join(dir, 'out4', 'results.json.cases.part'))).toBe(false);
    // an aborted run: run.cases holds only the cases that ran, the writer got their plan indexes
    const aborted = structuredClone(run);
    const ran = [0, 2];
    const w5 = new ReportWriter(path.join(dir, 'out5'), ['json'], { evidence: 'failing' });
    for (const i of ran) await w5.add(i, aborted.cases[i]);
    aborted.cases = ran.map((i) => aborted.cases[i]);
    await w5.finish(aborted);
    const written = JSON.parse(readFileSync(path.join(dir, 'out5', 'results.json'), 'utf8')) as RunResult;
    expect(written.cases.map((c) => c.id)).toEqual(aborted.cases.map((c) => c.id));
  });

  it('--keep N: the newest N run directories stay, nothing else under reports/ is touched', () => {
    const root = path.join(dir, 'reports');
    const runs = ['20261201-000000-s1', '20261202-000000-s2', '20261203-000000-s3', '20261204-000000-s4'];
    for (const r of runs) mkdirSync(path.join(root, r), { recursive: true });
    mkdirSync(path.join(root, 'my-notes'));
    writeFileSync(path.join(root, 'README.md'), 'x');
    expect(pruneRuns(root, 2).map((d) => path.basename(d))).toEqual(runs.slice(0, 2));
    expect(readdirSync(root).sort()).toEqual([
      '20261203-000000-s3',
      '20261204-000000-s4',
      'README.md',
      'my-notes',
    ]);
    expect(pruneRuns(root, 0)).toEqual([]);
    expect(pruneRuns(root, 5)).toEqual([]);
  });

  it('coverage.md lists each cited requirement with its verdict', () => {
    const md = readFileSync(out('coverage.md'), 'utf8');
    expect(md).toContain('| RFC 6116 | 3.2 | SHALL | pass | e2e.enum.001 (pass) |');
    expect(md).toContain('| SMPP 3.4 | 5.1.3 | SHALL | fail | e2e.smpp.throttled (fail) |');
  });

  it('the terminal summary grades SHALL and SHOULD failures apart', () => {
    const text = new TerminalReporter({ write: () => true }, run.cases.length, { color: false }).summary(run);
    const shall = text.indexOf('Failures (SHALL) and errors:');
    const should = text.indexOf('Failed SHOULD / MAY (reported apart):');
    expect(shall).toBeGreaterThanOrEqual(0);
    expect(should).toBeGreaterThan(shall);
    expect(text.slice(shall, should)).toContain('e2e.smpp.throttled');
    expect(text.slice(should)).toContain('e2e.smpp.should');
    expect(text).toContain('expected: submit_sm_resp at smsc where command_status = "ESME_ROK"');
    expect(text).toMatch(
      /7 cases: 2 pass, 3 fail \(SHALL 2, SHOULD 1, MAY 0, robustness 0\), 0 inconclusive, 0 not applicable, 2 error, 1 known; 3 unexpected/,
    );
  });
});

describe.skipIf(!hasTshark)('PCAPNG captures read by tshark', () => {
  const tshark = (file: string, ...args: string[]) => tsharkText(['-n', '-r', file, ...args]);

  it('the SMPP case decodes as SMPP with the step named in each packet comment', () => {
    const c = run.cases.find((x) => x.id === 'e2e.smpp.submit');
    const port = new URL(c?.peers.find((p) => p.kind === 'smsc')?.endpoints[0].url ?? '').port;
    const file = out(casePcapName('e2e.smpp.submit'));
    const cmds = tshark(
      file,
      '-d',
      `tcp.port==${port},smpp`,
      '-Y',
      'smpp',
      '-T',
      'fields',
      '-e',
      'smpp.command_id',
    )
      .trim()
      .split('\n');
    expect(cmds).toEqual(['0x00000009', '0x80000009', '0x00000004', '0x80000004']);
    const comments = tshark(file, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.comment');
    expect(comments).toContain('e2e.smpp.submit');
    expect(comments).toContain('step 2: esme.submit');
  });

  it('the ENUM case decodes as DNS NAPTR', () => {
    const file = out(casePcapName('e2e.enum.001'));
    const types = tshark(file, '-Y', 'dns', '-T', 'fields', '-e', 'dns.qry.type').trim().split('\n');
    expect(types).toContain('35');
  });

  it.skipIf(!hasTshark)(
    'captures are clean in Wireshark (no malformed frame, no expert warning, checksums valid)',
    () => {
      // run.pcapng holds every case's flows on one clock; the broken-peer case ends in a reset.
      for (const f of [out('run.pcapng'), out(casePcapName('e2e.smpp.broken-peer'))]) {
        const smsc = run.cases.flatMap((c) =>
          c.peers.filter((p) => p.kind === 'smsc').map((p) => new URL(p.endpoints[0].url).port),
        );
        // as pcap-check.sh -w: expert warnings count too
        const r = pcapCheck(
          f,
          ['smpp'],
          smsc.map((p) => `tcp.port==${p},smpp`),
          { warnings: true },
        );
        expect({ file: path.basename(f), status: r.status, out: r.out.trim() }).toMatchObject({ status: 0 });
      }
    },
  );
});
