import { describe, expect, it } from 'vitest';
import { tsharkOracleReady } from '../../test/support/tshark.ts';
import { checkCasePcap, runCases } from '../../test/support/pcap-oracle.ts';

const ready = tsharkOracleReady('[suites/mm4 wire oracle]');

describe.skipIf(!ready)('MM4 suites: verdicts, and every recorded byte decoded by tshark', () => {
  it('forward out/in, reports and relay refusal pass and their PCAPNGs are clean SMTP + IMF', async () => {
    const ids = ['mm4.out.001', 'mm4.out.005.001', 'mm4.in.004.001', 'mm4.in.009', 'mm4.relay.001'];
    const { run, dir } = await runCases(
      ['suites/mm4/forward-out.yaml', 'suites/mm4/forward-in.yaml', 'suites/mm4/relay.yaml'],
      ids.join(','),
    );
    expect(run.cases.map((c) => [c.id, c.verdict]).sort()).toEqual(ids.map((id) => [id, 'pass']).sort());
    const verdicts = [
      ...ids.slice(0, 4).map((id) => checkCasePcap(run, dir, id, ['smtp', 'imf'])),
      // refused at RCPT: SMTP only, no message data ever sent
      checkCasePcap(run, dir, 'mm4.relay.001', ['smtp']),
    ];
    for (const v of verdicts) expect(v, v.output).toMatchObject({ code: 0 });
  }, 120_000);
});
