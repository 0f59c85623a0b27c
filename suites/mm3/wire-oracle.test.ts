import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsharkFields, tsharkOracleReady } from '../../test/support/tshark.ts';
import { checkCasePcap, runCases } from '../../test/support/pcap-oracle.ts';

/**
 * Independent oracle for the MM3 suites: Wireshark decodes every recorded byte as clean SMTP +
 * IMF (test/support pcapCheck, tshark alone), and its IMF dissector — not postal-mime, which the
 * MTA mock uses — reads the Subject of the MMS-to-mail case as RFC 2047 encoded words and the From
 * as the sender's +E164/TYPE=PLMN address at the MMSC's domain.
 */
const ready = tsharkOracleReady('[suites/mm3 wire oracle]');

describe.skipIf(!ready)('MM3 suites: verdicts, and the mail on the wire as tshark reads it', () => {
  it('MMS->mail and mail->MMS cases pass and their PCAPNGs are clean SMTP + IMF', async () => {
    const ids = ['mm3.out.001', 'mm3.out.002', 'mm3.out.005', 'mm3.in.001', 'mm3.in.003'];
    const { run, dir } = await runCases(['suites/mm3/out.yaml', 'suites/mm3/in.yaml'], ids.join(','));
    expect(run.cases.map((c) => [c.id, c.verdict]).sort()).toEqual(ids.map((id) => [id, 'pass']).sort());
    for (const id of ids) {
      const v = checkCasePcap(run, dir, id, ['smtp', 'imf']);
      expect(v, v.output).toMatchObject({ code: 0 });
    }
    // The German subject: encoded words on the wire (no 8-bit header octet), From in PLMN form.
    const c = run.cases.find((x) => x.id === 'mm3.out.002');
    const smtpPorts = new Set<string>();
    for (const p of c?.peers ?? [])
      for (const e of p.endpoints) {
        const m = /^smtp:\/\/[^:/]+:(\d+)/.exec(e.url);
        if (m) smtpPorts.add(m[1]);
      }
    const decodeAs = [...smtpPorts].map((p) => `tcp.port==${p},smtp`);
    const [subject, from] = tsharkFields(
      path.join(dir, c?.pcapng ?? ''),
      'imf',
      ['imf.subject', 'imf.from'],
      {
        decodeAs,
      },
    )[0];
    expect(subject).toMatch(/=\?utf-8\?[bq]\?/i);
    expect(/^[\x20-\x7e]*$/.test(subject)).toBe(true);
    expect(from).toMatch(/\+\d+\/TYPE=PLMN@mms\.mnc001\.mcc310\.gprs/);
  }, 180_000);
});
