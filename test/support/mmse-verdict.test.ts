import { describe, expect, it } from 'vitest';
import { mmseVerdicts } from './mmse-verdict.ts';
import { haveTshark } from './tshark.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const text = (s: string) => Buffer.from(s, 'latin1').toString('hex');

// m-send-req: 8C 80 98 "v-1" 00 8D 92 89 01 81 97 "+15550009999/TYPE=PLMN" 00 84 A3 01 04 05 03 83 81 EA "hello"
const head = `8C80 98 ${text('v-1')}00 8D92 890181 97 ${text('+15550009999/TYPE=PLMN')}00`;
const sendReq = hex(`${head} 84A3 01 0405 0383 81EA ${text('hello')}`);

describe.skipIf(!haveTshark)('mmseVerdicts (Wireshark MMSE dissector, tshark alone)', () => {
  it('is clean for a well-formed m-send-req and flips to malformed when it is cut or bent', () => {
    const cut = sendReq.subarray(0, sendReq.length - 9); // inside the part's headers
    const bent = hex(`${head} 84A3 03 0405 0383 81EA ${text('hello')}`); // 3 parts announced, 1 present
    const [ok, short, many] = mmseVerdicts([sendReq, cut, bent]);
    expect(ok).toMatchObject({ kind: 'clean', wrapper: 'exported-pdu', messageType: '0x80', complaints: [] });
    for (const v of [short, many]) {
      expect(v, JSON.stringify(v)).toMatchObject({ kind: 'malformed', wrapper: 'exported-pdu' });
      expect(v.complaints).toContain('[Malformed Packet: MMSE]');
    }
  });

  it('forces a PDU the heuristic refuses through HTTP and calls it invalid without X-Mms-Message-Type first', () => {
    // Transaction-ID before Message-Type; and bytes that are no MMS PDU at all
    const misordered = hex(`98 ${text('v-2')}00 8C80 8D92 890181 97 ${text('+15550009999/TYPE=PLMN')}00`);
    const [a, b] = mmseVerdicts([misordered, new TextEncoder().encode('hello, world')]);
    expect(a).toMatchObject({ kind: 'invalid', wrapper: 'http' });
    expect(b).toMatchObject({ kind: 'invalid', wrapper: 'http' });
    // an unknown message type behind 0x8C: the heuristic refuses it too
    const [c] = mmseVerdicts([hex(`8C7F 98 ${text('v-3')}00 8D92`)]);
    expect(c).toMatchObject({ kind: 'invalid', wrapper: 'http' });
  });

  it('calls a lone Malformed on a final 0x84 suspect (Wireshark 4.0 false positive), not malformed', () => {
    // m-notifyresp-ind ending in X-Mms-Status: Unrecognised (95 84)
    const [v] = mmseVerdicts([hex(`8C83 98 ${text('v-4')}00 8D92 9584`)]);
    expect(v, JSON.stringify(v)).toMatchObject({ kind: 'suspect', messageType: '0x83' });
  });

  it('reads a PDU too big for one exported-PDU frame over HTTP', () => {
    const n = 300_000;
    // the part's Data-length as a uintvar (WSP 8.1.2): 300000 = 0x12 0x27 0x60 in 7-bit groups
    const big = hex(`${head} 84A3 01 04 92A760 0383 81EA`);
    const pdu = new Uint8Array(big.length + n).fill(0x61);
    pdu.set(big);
    const [v] = mmseVerdicts([pdu]);
    expect(v, JSON.stringify(v)).toMatchObject({ kind: 'clean', wrapper: 'http', messageType: '0x80' });
  });
});
