import { describe, expect, it } from 'vitest';
import { readPackets } from '../../test/support/pcapng-reader.ts';
import { buildPcapng } from './build-pcapng.ts';
import { buildCasePcapngs } from './case-pcapngs.ts';
import { type Endpoint4, type ObservationInput, Timeline } from './timeline.ts';

const ue: Endpoint4 = { node: 'ue.alice', role: 'ue', port: 40001 };
const mmsc: Endpoint4 = { node: 'mmsc', role: 'mmsc', port: 8002 };

/** Publishes the records a client tap and a server tap make of one connection. */
function both(tl: Timeline, conn: string, client = ue, server = mmsc, payload = 'GET / HTTP/1.0\r\n\r\n') {
  const c = `${conn}c`;
  const s = `${conn}s`;
  const base = { iface: 'MM1' } as const;
  const p = (o: ObservationInput) => tl.publish(o);
  // the server does not know the client's name (default 'harness')
  const anon = { ...client, node: 'harness', role: 'harness' } as const;
  p({
    ...base,
    kind: 'conn',
    conn: s,
    transport: 'tcp',
    event: 'open',
    client: anon,
    server,
    node: 'mmsc',
    role: 'mmsc',
    direction: 'in',
  });
  p({
    ...base,
    kind: 'conn',
    conn: c,
    transport: 'tcp',
    event: 'open',
    client,
    server,
    node: client.node,
    role: client.role,
    direction: 'out',
  });
  const bytes = new TextEncoder().encode(payload);
  p({ ...base, kind: 'bytes', conn: c, raw: bytes, node: client.node, role: client.role, direction: 'out' });
  p({ ...base, kind: 'bytes', conn: s, raw: bytes, node: 'mmsc', role: 'mmsc', direction: 'in' });
  const answer = new TextEncoder().encode('HTTP/1.0 204 No Content\r\n\r\n');
  p({ ...base, kind: 'bytes', conn: s, raw: answer, node: 'mmsc', role: 'mmsc', direction: 'out' });
  p({ ...base, kind: 'bytes', conn: c, raw: answer, node: client.node, role: client.role, direction: 'in' });
  p({
    ...base,
    kind: 'conn',
    conn: s,
    transport: 'tcp',
    event: 'end',
    client: anon,
    server,
    node: 'mmsc',
    role: 'mmsc',
    direction: 'out',
  });
  p({
    ...base,
    kind: 'conn',
    conn: c,
    transport: 'tcp',
    event: 'end',
    client,
    server,
    node: client.node,
    role: client.role,
    direction: 'in',
  });
  p({
    ...base,
    kind: 'conn',
    conn: s,
    transport: 'tcp',
    event: 'close',
    client: anon,
    server,
    node: 'mmsc',
    role: 'mmsc',
    direction: 'local',
  });
  p({
    ...base,
    kind: 'conn',
    conn: c,
    transport: 'tcp',
    event: 'close',
    client,
    server,
    node: client.node,
    role: client.role,
    direction: 'local',
  });
}

const payloadOf = (pkts: ReturnType<typeof readPackets>) => pkts.reduce((n, p) => n + p.payload.length, 0);

describe('buildPcapng', () => {
  it('MAP / GTP signalling (observations without bytes) goes into the next data packet comment', () => {
    const tl = new Timeline();
    tl.setContext({ case: 'c1', step: 's1' });
    tl.publish({
      kind: 'message',
      node: 'smsc',
      role: 'smsc',
      iface: 'MAP',
      direction: 'out',
      peer: 'msc.23415',
      type: 'MAP-MT-ForwardSM',
      fields: { msisdn: '15550001', hops: ['smsc', 'gmsc', 'msc.23415'] },
    });
    both(tl, 'x');
    const pkts = readPackets(buildPcapng(tl.all()));
    const annotated = pkts.filter((p) => p.comment?.includes('MAP-MT-ForwardSM'));
    // the first data segment (and the ACK framed with it) carries the line; later packets do not
    expect(new Set(annotated.map((p) => p.comment))).toEqual(
      new Set([
        'c1 / s1 | MAP-MT-ForwardSM smsc -> msc.23415: hops smsc -> gmsc -> msc.23415, msisdn 15550001',
      ]),
    );
    expect(annotated.some((p) => p.payload.length > 0)).toBe(true);
    expect(pkts.filter((p) => p.comment === 'c1 / s1').length).toBe(pkts.length - annotated.length);
  });

  it('a connection tapped at both ends is framed once, the client named by its own tap', () => {
    const tl = new Timeline();
    tl.setContext({ case: 'c1', step: 's1' });
    both(tl, 'x');
    const pkts = readPackets(buildPcapng(tl.all()));
    expect(payloadOf(pkts)).toBe(18 + 27);
    const syn = pkts[0];
    expect(syn.src).not.toBe('127.0.9.1'); // not 'harness'
    expect(syn.src).toMatch(/^127\.0\.1\./);
    expect([syn.sport, syn.dport]).toEqual([40001, 8002]);
    expect(pkts.every((p) => p.comment === 'c1 / s1')).toBe(true);
    // server FIN, client close -> client FIN, each acknowledged
    expect(pkts.filter((p) => p.flags & 0x01).map((p) => p.src)).toEqual(['127.0.3.1', syn.src]);
  });

  it('the same ports reused later are a second connection, not a duplicate', () => {
    const tl = new Timeline();
    both(tl, 'a');
    both(tl, 'b', ue, mmsc, 'GET /again HTTP/1.0\r\n\r\n');
    const pkts = readPackets(buildPcapng(tl.all()));
    expect(pkts.filter((p) => p.flags === 0x02)).toHaveLength(2);
    expect(payloadOf(pkts)).toBe(18 + 27 + 23 + 27);
  });

  it('only one side tapped still frames everything; message and event observations add nothing', () => {
    const tl = new Timeline();
    both(tl, 'x');
    const onlyClient = tl
      .all()
      .filter((o) => o.kind !== 'conn' || o.conn === 'xc')
      .filter((o) => !('conn' in o) || o.conn === 'xc');
    tl.publish({
      kind: 'message',
      type: 'm-send-req',
      fields: {},
      node: 'mmsc',
      role: 'mmsc',
      iface: 'MM1',
      direction: 'in',
    });
    const pkts = readPackets(buildPcapng(onlyClient));
    expect(payloadOf(pkts)).toBe(18 + 27);
    expect(readPackets(buildPcapng(tl.all())).length).toBe(
      readPackets(buildPcapng(tl.all().slice(0, -1))).length,
    );
  });

  it('timestamps follow the observations from the timeline origin, never going backwards', () => {
    const tl = new Timeline();
    both(tl, 'x');
    const pkts = readPackets(buildPcapng(tl.all(), { originEpochMs: 1_700_000_000_000, tsresol: 'ns' }));
    const first = BigInt(tl.all()[0].t) + 1_700_000_000_000_000_000n;
    expect(pkts[0].ts).toBe(first);
    for (let i = 1; i < pkts.length; i++) expect(pkts[i].ts >= pkts[i - 1].ts).toBe(true);
  });

  it('per-case captures hold the case bytes, with the connection handshake even from another case', () => {
    const tl = new Timeline();
    tl.setContext({ case: 'one' });
    both(tl, 'x');
    const raw = new TextEncoder().encode('more');
    tl.setContext({ case: 'two' });
    // 'two' reuses the connection of 'one' (already closed here, but a capture is a capture)
    tl.publish({ kind: 'bytes', conn: 'xs', raw, node: 'mmsc', role: 'mmsc', iface: 'MM1', direction: 'in' });
    const per = buildCasePcapngs(tl);
    expect([...per.keys()]).toEqual(['one', 'two']);
    const two = readPackets(per.get('two') as Uint8Array);
    expect(two[0].flags).toBe(0x02); // SYN
    // the server half-closed in 'one'; the client may still send (a half-close, RFC 9293 §3.6)
    expect(payloadOf(two)).toBe(4);
    expect(payloadOf(readPackets(per.get('one') as Uint8Array))).toBe(45);
  });
});
