import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/util/json.ts';
import { buildPcapng } from '../../src/wire/build-pcapng.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { tsharkFields, tsharkOracleReady } from '../../test/support/tshark.ts';
import { HlrPeer, hlrConfigFromJson } from './hlr-peer.ts';

/** Independent oracle: Wireshark's DNS dissector reads the answers our DNS codec wrote (UDP and TCP). */
const tshark = tsharkOracleReady('hlr tshark oracle');

describe.skipIf(!tshark)('HLR DNS against tshark', () => {
  it('tshark decodes our NAPTR, A, MX, NXDOMAIN and truncated answers as published', async () => {
    const timeline = new Timeline();
    const hlr = new HlrPeer(
      hlrConfigFromJson({
        subscribers: [{ msisdn: '+15550001', mcc: '310', mnc: '001' }],
        domains: { 'mms.mnc001.mcc310.gprs': '127.0.0.1' },
      }),
    );
    const [dns] = await hlr.start({ timeline, host: '127.0.0.1' });
    const port = Number(new URL(dns.url).port);
    const dir = mkdtempSync(path.join(tmpdir(), 'mmscert-hlr-tshark-'));
    try {
      const r = new Resolver({ timeout: 2000, tries: 1 });
      r.setServers([`127.0.0.1:${port}`]);
      await r.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa');
      await r.resolve4('mms.mnc001.mcc310.gprs');
      await r.resolveMx('mms.mnc001.mcc310.gprs');
      await expect(r.resolveNaptr('2.0.0.0.5.5.5.1.e164.arpa')).rejects.toThrow();
      hlr.use({ kind: 'truncate' });
      await r.resolveNaptr('1.0.0.0.5.5.5.1.e164.arpa'); // UDP (TC) then TCP
      await new Promise((res) => setTimeout(res, 100));
      await hlr.stop();

      const file = path.join(dir, 'dns.pcapng');
      writeFileSync(file, buildPcapng(timeline.all()));
      const run = (filter: string, names: string[]) =>
        tsharkFields(file, filter, names, {
          decodeAs: [`udp.port==${port},dns`, `tcp.port==${port},dns`],
          aggregator: ',',
        });
      expect(run('_ws.malformed || _ws.expert.severity >= 8388608', ['frame.number'])).toEqual([]);

      const ours = timeline.messages({ direction: 'out' }).filter((o) => o.type !== 'hlr-lookup-response');
      const theirs = run('dns.flags.response == 1', [
        'dns.qry.name',
        'dns.flags.rcode',
        'dns.flags.truncated',
        'dns.count.answers',
      ]);
      expect(theirs).toEqual(
        ours.map((o) => {
          const f = o.fields as JsonObject;
          const q = (f.questions as JsonObject[])[0];
          const rcode = { NOERROR: '0', NXDOMAIN: '3' }[f.rcode as string];
          return [q.name, rcode, f.tc ? '1' : '0', String((f.answers as JsonObject[]).length)];
        }),
      );
      const naptr = run('dns.naptr.order', [
        'dns.naptr.order',
        'dns.naptr.preference',
        'dns.naptr.flags',
        'dns.naptr.service',
        'dns.naptr.regex',
      ]);
      expect(naptr).toHaveLength(2); // UDP answer, then the TCP one after truncation
      for (const row of naptr) {
        expect(row).toEqual([
          '10',
          '10',
          'u',
          'E2U+mms:mailto',
          '!^.*$!mailto:+15550001/TYPE=PLMN@mms.mnc001.mcc310.gprs!',
        ]);
      }
      expect(run('dns.a', ['dns.a'])[0][0].split(',')).toContain('127.0.0.1');
      expect(run('dns.mx.mail_exchange', ['dns.mx.preference', 'dns.mx.mail_exchange'])).toEqual([
        ['10', 'mms.mnc001.mcc310.gprs'],
      ]);
    } finally {
      await hlr.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
