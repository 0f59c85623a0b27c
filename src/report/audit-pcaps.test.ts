import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPdu, encodeMms } from '../codec/mms/index.ts';
import { loadPeerKinds } from '../harness/peer-kinds.ts';
import { runSuites } from '../harness/runner.ts';
import { loadSuites } from '../harness/suite-loader.ts';
import { createTarget } from '../harness/targets/create-target.ts';
import { buildPcapng } from '../wire/build-pcapng.ts';
import { ROLE_ADDRESS } from '../wire/nodes.ts';
import { type Endpoint4, Timeline } from '../wire/timeline.ts';
import {
  auditPcaps,
  failureLine,
  haveTshark,
  httpBody,
  indexedDeleteConf,
  MALFORMED_STIMULUS_TAG,
  notTheFalsePositive,
  roleOfAddress,
  smppPdus,
  towardsMmsc,
} from './audit-pcaps.ts';
import { writeReports } from './write-reports.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const tshark = haveTshark();
if (!tshark)
  console.warn('audit-pcaps: tshark tests SKIPPED, tshark is not installed (apt-get install tshark)');

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'mmscert-audit-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
/** m-notifyresp-ind, Transaction-ID "t1", MMS-Version 1.2, X-Mms-Status Unrecognised (0x84) last. */
const NOTIFYRESP_0X84 = bytes('8C 83 98 7431 00 8D 92 95 84');
/** 8C 80 98 "rob-1" with no terminating NUL: undecodable (robustness.mm1.001's stimulus). */
const TRUNCATED = bytes('8C 80 98 726F622D31');

describe('smppPdus', () => {
  it('splits a TCP payload holding several SMPP PDUs by command_length, and stops at a partial one', () => {
    const pdu = (id: number, body: number[]) => {
      const b = Buffer.alloc(16 + body.length);
      b.writeUInt32BE(16 + body.length, 0);
      b.writeUInt32BE(id, 4);
      Buffer.from(body).copy(b, 16);
      return b;
    };
    const two = Buffer.concat([pdu(4, [1, 2]), pdu(0x80000004, [0]), pdu(4, [9]).subarray(0, 10)]);
    expect(smppPdus(two).map((p) => p.length)).toEqual([18, 17]);
  });
});

describe('audit-pcaps rules', () => {
  it('maps capture addresses to roles, node addresses by their /24', () => {
    expect(roleOfAddress(ROLE_ADDRESS.mmsc)).toBe('mmsc');
    expect(roleOfAddress('127.0.1.175')).toBe('ue');
    expect(roleOfAddress('127.0.2.1')).toBe('wap-gateway');
    expect(roleOfAddress('127.0.6.1')).toBe('vasp');
    expect(roleOfAddress('10.0.0.1')).toBeUndefined();
  });

  it('a frame is towards the MMSC when addressed to it, or a handset request to the WAP gateway', () => {
    expect(towardsMmsc('127.0.6.1', '127.0.3.1')).toBe(true);
    expect(towardsMmsc('127.0.2.1', '127.0.3.1')).toBe(true);
    expect(towardsMmsc('127.0.1.175', '127.0.2.1')).toBe(true);
    expect(towardsMmsc('127.0.3.1', '127.0.6.1')).toBe(false);
    expect(towardsMmsc('127.0.3.1', '127.0.2.1')).toBe(false);
    expect(towardsMmsc('127.0.2.1', '127.0.1.175')).toBe(false);
    expect(towardsMmsc('127.0.3.1', '127.0.3.1')).toBe(false);
  });

  it('takes the body of an HTTP message (Content-Length, chunked) and nothing else', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(
      Buffer.from(httpBody(enc('POST /mms HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcdef')) ?? []).toString(),
    ).toBe('abc');
    expect(
      Buffer.from(
        httpBody(
          enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'),
        ) ?? [],
      ).toString(),
    ).toBe('abcde');
    expect(httpBody(enc('POST /mms HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc'))).toBeUndefined();
    expect(httpBody(enc('\x8c\x80\r\n\r\n'))).toBeUndefined();
  });

  it('excuses a PDU as the 0x84 false positive only when it ends in 0x84 and our decoder accepts it', () => {
    expect(notTheFalsePositive(NOTIFYRESP_0X84)).toBeUndefined();
    expect(notTheFalsePositive(TRUNCATED)).toMatch(/not 0x84/);
    // ends in 0x84 but undecodable: Transaction-ID never terminated
    expect(notTheFalsePositive(bytes('8C 83 98 7431 84'))).toMatch(/our decoder also rejects it/);
    expect(notTheFalsePositive(undefined)).toMatch(/no HTTP body/);
  });

  it('excuses a delete conf only when our decoder reads it and it carries an indexed field', () => {
    const conf = (type: 'm-delete-conf' | 'm-mbox-delete-conf', status: unknown) =>
      encodeMms(
        buildPdu(type, {
          'X-Mms-Transaction-Id': 'd1',
          'X-Mms-MMS-Version': '1.3',
          'X-Mms-Response-Status': status as string,
        }),
      );
    const indexed = { index: 1, value: 'Error-permanent-message-not-found' };
    expect(indexedDeleteConf(conf('m-delete-conf', indexed))).toBe(true);
    expect(indexedDeleteConf(conf('m-mbox-delete-conf', indexed))).toBe(true);
    expect(indexedDeleteConf(conf('m-mbox-delete-conf', 'Ok'))).toBe(false); // plain form: tshark reads it
    expect(indexedDeleteConf(NOTIFYRESP_0X84)).toBe(false);
    expect(indexedDeleteConf(conf('m-delete-conf', indexed).subarray(0, 9))).toBe(false); // truncated
    expect(indexedDeleteConf(undefined)).toBe(false);
  });
});

/** One HTTP exchange ue.alice -> mmsc, as a capture: the request, then the MMSC's answer. */
function exchange(
  caseId: string,
  request: Uint8Array,
  answer: Uint8Array,
): { pcapng: Uint8Array; conns: unknown[] } {
  const tl = new Timeline();
  tl.setContext({ case: caseId, step: 'step 1: ue.alice.http' });
  const client: Endpoint4 = { node: 'ue.alice', role: 'ue', port: 40001 };
  const server: Endpoint4 = { node: 'mmsc', role: 'mmsc', port: 18002 };
  const side = { iface: 'MM1', node: 'mmsc', role: 'mmsc', conn: 's1' } as const;
  const http = (head: string, body: Uint8Array) =>
    Buffer.concat([
      Buffer.from(
        `${head}\r\nContent-Type: application/vnd.wap.mms-message\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
      body,
    ]);
  tl.publish({ ...side, kind: 'conn', transport: 'tcp', event: 'open', client, server, direction: 'in' });
  tl.publish({
    ...side,
    kind: 'bytes',
    raw: http('POST /mms HTTP/1.1\r\nHost: 127.0.0.1', request),
    direction: 'in',
  });
  tl.publish({ ...side, kind: 'bytes', raw: http('HTTP/1.1 200 OK', answer), direction: 'out' });
  tl.publish({ ...side, kind: 'conn', transport: 'tcp', event: 'close', client, server, direction: 'local' });
  const all = tl.all();
  return { pcapng: buildPcapng(all), conns: all.filter((o) => o.kind === 'conn') };
}

/** A report directory holding one case's capture and the results.json naming its tags. */
function reportDir(caseId: string, tags: string[], request: Uint8Array, answer: Uint8Array): string {
  const dir = tempDir();
  const { pcapng, conns } = exchange(caseId, request, answer);
  writeFileSync(path.join(dir, `${caseId}.pcapng`), pcapng);
  const cases = [{ id: caseId, tags, pcapng: `${caseId}.pcapng`, timeline: { observations: conns } }];
  writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ cases }));
  return dir;
}

const SEND_CONF_OK = bytes('8C 81 98 726F622D31 00 8D 92 92 80');

describe.skipIf(!tshark)('audit-pcaps over crafted captures (tshark)', () => {
  it('FAILS a malformed PDU sent by the MMSC, even in a malformed-stimulus case', async () => {
    const dir = reportDir('crafted.mmsc.001', [MALFORMED_STIMULUS_TAG], SEND_CONF_OK, TRUNCATED);
    const s = await auditPcaps(dir);
    expect(s.failedFiles).toBe(1);
    const f = s.files[0];
    expect(f?.ok).toBe(false);
    const bad = f?.flagged.filter((x) => x.verdict === 'fail') ?? [];
    expect(bad.map((x) => [x.src, x.dst])).toEqual([
      [ROLE_ADDRESS.mmsc, expect.stringMatching(/^127\.0\.1\./)],
    ]);
    expect(failureLine(f as NonNullable<typeof f>)).toMatch(
      /^crafted\.mmsc\.001\.pcapng: frame \d+ \(127\.0\.3\.1 -> /,
    );
  });

  it('passes the same malformed PDU as the stimulus of a tagged case, fails it untagged', async () => {
    const tagged = await auditPcaps(
      reportDir('crafted.ue.001', [MALFORMED_STIMULUS_TAG], TRUNCATED, SEND_CONF_OK),
    );
    expect(tagged.failedFiles).toBe(0);
    expect(tagged.excused.stimulus).toBeGreaterThan(0);
    const untagged = await auditPcaps(reportDir('crafted.ue.002', [], TRUNCATED, SEND_CONF_OK));
    expect(untagged.failedFiles).toBe(1);
  });

  it('passes the documented 0x84 false positive from any side, only because our decoder accepts it', async () => {
    const s = await auditPcaps(reportDir('crafted.x84.001', [], NOTIFYRESP_0X84, SEND_CONF_OK));
    expect(s.files[0]?.flagged.length).toBeGreaterThan(0); // tshark does complain
    expect(s.failedFiles).toBe(0);
    expect(s.excused['tshark-0x84']).toBe(s.files[0]?.flagged.length);
  });
});

describe.skipIf(!tshark)('audit-pcaps over a small real run (embedded MMSC, tshark)', () => {
  it('passes every capture, excusing only the stimulus and the 0x84 false positive', async () => {
    const ids = [
      'robustness.mm1.001',
      'robustness.mm7.001',
      'mm1.notify.006',
      'mm7.error.001.001',
      'mm1.send.001',
    ];
    const loaded = await loadSuites({
      root: path.join(repoRoot, 'suites'),
      files: [
        'robustness/mm1.yaml',
        'robustness/interworking.yaml',
        'mm1/notification.yaml',
        'mm7/errors.yaml',
        'mm1/send.yaml',
      ].map((f) => path.join(repoRoot, 'suites', f)),
      suite: ids.join(','),
    });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.cases.map((c) => c.id).sort()).toEqual([...ids].sort());
    const run = await runSuites({
      cases: loaded.cases,
      target: createTarget(),
      peerKinds: await loadPeerKinds(),
      seed: 20261122,
      jobs: 2,
    });
    const dir = tempDir();
    await writeReports(run, dir, ['json']);
    const s = await auditPcaps(dir);
    expect(s.files.map((f) => path.basename(f.file)).sort()).toEqual(
      [...ids.map((i) => `${i}.pcapng`), 'run.pcapng'].sort(),
    );
    expect(s.files.filter((f) => !f.ok).map(failureLine)).toEqual([]);
    // the excuses were needed: tshark flags the stimuli and the 0x84 PDU
    expect(s.excused.stimulus).toBeGreaterThan(0);
    expect(s.excused['tshark-0x84']).toBeGreaterThan(0);
    const byCase = (id: string) => s.files.find((f) => f.caseId === id);
    expect(byCase('mm1.notify.006')?.flagged.every((x) => x.verdict === 'tshark-0x84')).toBe(true);
    expect(byCase('mm7.error.001.001')?.flagged.map((x) => [x.verdict, x.dst])).toEqual([
      ['stimulus', ROLE_ADDRESS.mmsc],
    ]);
    expect(byCase('mm1.send.001')?.flagged).toEqual([]);
  }, 120_000);
});
