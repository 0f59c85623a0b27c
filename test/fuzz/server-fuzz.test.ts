import { describe, expect, it } from 'vitest';
import { fuzzServers } from './server-fuzz.ts';

/**
 * The CI slice of the servers' fuzz (`npm run fuzz` throws thousands): the reference MMSC and the
 * SMSC / HLR / PPG peers as separate processes, a few mutated inputs on each input path, and each
 * server must still be up and answer an ordinary request afterwards.
 */
describe('server input paths survive mutated input (bounded slice)', () => {
  it('MM1 and MM7 HTTP, MM3 and MM4 SMTP, SMPP, DNS over UDP and TCP, PAP', async () => {
    // 35 a server: 8 servers x 35 = the 280 inputs of the 7 x 40 before the PPG joined
    const inputs = Number(process.env.MMSCERT_FUZZ_SERVER_SLICE ?? 35);
    const r = await fuzzServers({ inputs, seed: 20261207, maxMs: 20_000, checkEvery: 20 });
    expect(r.failures).toEqual([]);
    expect(r.servers.map((s) => [s.name, s.ok])).toEqual([
      ['mm1-http', true],
      ['mm7-http', true],
      ['mm4-smtp', true],
      ['mm3-smtp', true],
      ['smpp', true],
      ['ppg-http', true],
      ['dns-udp', true],
      ['dns-tcp', true],
    ]);
  }, 180_000);
});
