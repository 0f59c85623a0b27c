import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPcapng } from '../../src/wire/build-pcapng.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { pcapCheck, tsharkFields, tsharkOracleReady } from '../../test/support/tshark.ts';
import { Vasp } from '../vasp/vasp.ts';
import { RemoteMmsc } from './remote-mmsc.ts';

/**
 * Independent oracle for what the MM4 and MM7 mocks put on the wire: the tapped bytes of real
 * loopback exchanges become a PCAPNG (src/wire) that tshark must dissect as SMTP + IMF and
 * HTTP + multipart + XML with no malformed frame and no expert warning
 * (pcapCheck of test/support/tshark.ts, warnings counted, checksums validated).
 */

const ready = tsharkOracleReady('[mm4-mm7-pcap]');
const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-mm4mm7-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One line per matching frame: the field's occurrences joined by '|'. */
const fields = (file: string, filter: string, names: string[], decodeAs: string[]) =>
  tsharkFields(file, filter, names, { decodeAs }).map((cols) => cols.join('\t'));

const HOME = 'mms.mnc001.mcc310.gprs';
const REMOTE = 'mms.mnc002.mcc310.gprs';

describe.skipIf(!ready)('tshark dissects the MM4 and MM7 mocks’ traffic cleanly', () => {
  it('MM4: forward injected by the remote MMSC, RES back (SMTP + IMF)', async () => {
    const timeline = new Timeline();
    const remote = new RemoteMmsc({ domain: REMOTE, starttls: false, targetTls: 'none' });
    const home = new RemoteMmsc({
      name: 'home-mmsc',
      domain: HOME,
      starttls: false,
      targetTls: 'none',
      autoReports: false,
    });
    const remoteUrl = (await remote.start({ timeline, host: '127.0.0.1' }))[0].url;
    const homeUrl = (await home.start({ timeline, host: '127.0.0.1' }))[0].url;
    remote.setTarget(homeUrl);
    home.setTarget(remoteUrl);
    try {
      const out = (await remote.actions.forward({
        from: `+15550009/TYPE=PLMN@${REMOTE}`,
        to: `+15550001/TYPE=PLMN@${HOME}`,
        subject: 'pcap check',
        parts: [
          { contentType: 'text/plain; charset=utf-8', content: 'hello' },
          { contentType: 'image/gif', content: { $base64: 'R0lGODlhAQABAAAAACw=' } },
        ],
        waitMs: 5000,
      })) as { requestStatusCode?: string };
      expect(out.requestStatusCode).toBe('Ok');
    } finally {
      await remote.stop();
      await home.stop();
    }
    const file = path.join(dir, 'mm4.pcapng');
    writeFileSync(file, buildPcapng(timeline.all(), { originEpochMs: timeline.originEpochMs }));
    const ports = [remoteUrl, homeUrl].map((u) => `tcp.port==${new URL(u).port},smtp`);
    const r = pcapCheck(file, ['smtp', 'imf'], ports);
    expect(r.status, r.out).toBe(0);
    const subjects = fields(file, 'imf', ['imf.subject'], ports);
    expect(subjects).toContain('pcap check');
    const types = fields(file, 'imf', ['imf.extension.value'], ports).join('\n');
    expect(types).toContain('MM4_forward.REQ');
    expect(types).toContain('MM4_forward.RES');
  });

  it('MM7: SubmitReq with attachments from the VASP, answered by a VASPErrorRsp fault (HTTP + multipart + XML)', async () => {
    const timeline = new Timeline();
    const vasp = new Vasp();
    const relay = new Vasp({ name: 'relay-stand-in', path: '/mm7' });
    const vaspUrl = (await vasp.start({ timeline, host: '127.0.0.1' }))[0].url;
    await relay.start({ timeline, host: '127.0.0.1' });
    // A VASP server answers SubmitReq with a VASPErrorRsp fault (4003): a complete SOAP exchange either way.
    vasp.setTarget(relay.endpoints()[0].url);
    relay.setTarget(vaspUrl);
    try {
      const r = (await vasp.actions.submit({
        to: '+15550002',
        subject: 'pcap',
        parts: [
          { contentType: 'text/plain', content: 'hi' },
          { contentType: 'image/gif', content: { $base64: 'R0lGODlhAQABAAAAACw=' } },
        ],
      })) as { statusCode?: number };
      expect(r.statusCode).toBe(4003);
    } finally {
      await vasp.stop();
      await relay.stop();
    }
    const file = path.join(dir, 'mm7.pcapng');
    writeFileSync(file, buildPcapng(timeline.all(), { originEpochMs: timeline.originEpochMs }));
    const ports = [vaspUrl, relay.endpoints()[0]?.url ?? vaspUrl]
      .map((u) => new URL(u).port)
      .filter((p) => p !== '')
      .map((p) => `tcp.port==${p},http`);
    const res = pcapCheck(file, ['http', 'xml'], ports);
    expect(res.status, res.out).toBe(0);
    const tags = fields(file, 'xml', ['xml.tag'], ports).join('\n');
    expect(tags).toMatch(/SubmitReq/);
    expect(tags).toMatch(/VASPErrorRsp/);
  });
});
