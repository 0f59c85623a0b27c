import { describe, expect, it } from 'vitest';
import { tsharkOracleReady } from '../../test/support/tshark.ts';
import { checkCasePcap, runCases } from '../../test/support/pcap-oracle.ts';

const ready = tsharkOracleReady('[suites/mm7 wire oracle]');

describe.skipIf(!ready)('MM7 suites: verdicts, and every recorded byte decoded by tshark', () => {
  it('submit / attachments / errors / deliver pass and their PCAPNGs are clean HTTP + SOAP XML (+ MIME)', async () => {
    const { run, dir } = await runCases(
      [
        'suites/mm7/submit.yaml',
        'suites/mm7/attachments.yaml',
        'suites/mm7/errors.yaml',
        'suites/mm7/deliver.yaml',
      ],
      'mm7.submit.001.001,mm7.submit.001.009,mm7.attach.001,mm7.error.001.001,mm7.deliver.002',
    );
    expect(run.cases.map((c) => [c.id, c.verdict])).toEqual([
      ['mm7.submit.001.001', 'pass'],
      ['mm7.submit.001.009', 'pass'],
      ['mm7.attach.001', 'pass'],
      ['mm7.error.001.001', 'pass'],
      ['mm7.deliver.002', 'pass'],
    ]);
    const verdicts = [
      checkCasePcap(run, dir, 'mm7.submit.001.001', ['http', 'xml']),
      checkCasePcap(run, dir, 'mm7.submit.001.009', ['http', 'xml']),
      // SOAP with attachments: the envelope and the parts in a multipart/related
      checkCasePcap(run, dir, 'mm7.attach.001', ['http', 'xml', 'mime_multipart']),
      // the RSErrorRsp fault is well-formed XML even when the request was not
      checkCasePcap(run, dir, 'mm7.error.001.001', ['http', 'xml']),
      checkCasePcap(run, dir, 'mm7.deliver.002', ['http', 'xml', 'mime_multipart']),
    ];
    for (const v of verdicts) expect(v, v.output).toMatchObject({ code: 0 });
  }, 120_000);
});
