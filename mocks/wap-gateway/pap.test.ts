import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  badMessageXml,
  PapError,
  papDatetime,
  parsePapAddress,
  parsePapControl,
  pushResponseXml,
  resultNotificationXml,
} from './pap.ts';

const VALID = `<?xml version="1.0"?>
<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 2.0//EN" "http://www.wapforum.org/DTDs/pap_2.0.dtd">
<pap><push-message push-id="id&amp;1" deliver-before-timestamp="2030-01-01T00:00:00Z" ppg-notify-requested-to="http://127.0.0.1:9/n">
<address address-value="WAPPUSH=%2B15550001/TYPE=PLMN@ppg.example"/><address address-value="WAPPUSH=15550002/TYPE=PLMN@ppg.example"/>
<quality-of-service priority="high" delivery-method="unconfirmed"/></push-message></pap>`;

describe('PAP control entities (WAP-247)', () => {
  it('parses a push-message with its addresses, timestamps and QoS', () => {
    const c = parsePapControl(VALID);
    expect(c).toMatchObject({
      kind: 'push-message',
      pushId: 'id&1',
      deliverBefore: '2030-01-01T00:00:00Z',
      notifyTo: 'http://127.0.0.1:9/n',
      progressNotes: false,
      qos: { priority: 'high', 'delivery-method': 'unconfirmed' },
    });
    if (c.kind !== 'push-message') throw new Error('kind');
    expect(c.addresses.map((a) => [a.client, a.type, a.ppg])).toEqual([
      ['+15550001', 'PLMN', 'ppg.example'],
      ['15550002', 'PLMN', 'ppg.example'],
    ]);
  });

  it.each([
    ['WAPPUSH=+15550001/TYPE=PLMN@ppg', '+15550001', 'PLMN'],
    ['WAPPUSH=10.0.0.1/TYPE=IPv4@ppg', '10.0.0.1', 'IPV4'],
    ['WAPPUSH=alice/TYPE=USER', 'alice', 'USER'],
  ])('address %s', (v, client, type) => {
    expect(parsePapAddress(v)).toMatchObject({ client, type });
  });

  it.each(['+15550001', 'WAPPUSH=/TYPE=PLMN@p', 'WAPPUSH=1@x/TYPE=PLMN', 'WAPPUSH=1/TYPE=@p'])(
    'refuses address %s with 2002',
    (v) => {
      expect(() => parsePapAddress(v)).toThrow(expect.objectContaining({ code: 2002 }));
    },
  );

  it('writes documents a parser reads back, escaping attribute values', () => {
    const p = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
    const r = p.parse(pushResponseXml({ pushId: 'a"<&>', code: 1001 }));
    expect(r.pap['push-response']['push-id']).toBe('a"<&>');
    expect(r.pap['push-response']['response-result']).toMatchObject({
      code: '1001',
      desc: 'Accepted for processing',
    });
    expect(
      p.parse(badMessageXml({ code: 2000, desc: 'bad', fragment: '<x>' })).pap['badmessage-response'][
        'bad-message-fragment'
      ],
    ).toBe('<x>');
    const n = p.parse(
      resultNotificationXml({
        pushId: 'p',
        address: 'WAPPUSH=1/TYPE=PLMN@x',
        code: 1000,
        state: 'delivered',
      }),
    );
    expect(n.pap['resultnotification-message']).toMatchObject({ 'message-state': 'delivered', code: '1000' });
    expect(papDatetime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02T03:04:05Z');
  });

  it('gives only PapError for 8,000 mutated and random documents (bounded fuzz)', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = '<>/="\'&;![]?-abc pushmessage address';
    let errors = 0;
    for (let i = 0; i < 8_000; i++) {
      let s: string;
      if (i % 4 === 0) s = Array.from({ length: rnd(80) }, () => alphabet[rnd(alphabet.length)]).join('');
      else {
        const chars = [...VALID];
        for (let k = 0, m = 1 + rnd(6); k < m; k++) {
          const at = rnd(chars.length);
          const op = rnd(3);
          if (op === 0) chars.splice(at, 1);
          else if (op === 1) chars.splice(at, 0, alphabet[rnd(alphabet.length)]);
          else chars[at] = alphabet[rnd(alphabet.length)];
        }
        s = chars.join('');
      }
      try {
        parsePapControl(s);
      } catch (e) {
        if (!(e instanceof PapError)) throw new Error(`non-PapError for ${JSON.stringify(s)}: ${String(e)}`);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(2000);
  });
});
