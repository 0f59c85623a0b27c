import { AirInterface } from '../../mocks/air-interface.ts';
import type { Peer } from '../../mocks/peer.ts';
import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import type { Vasp } from '../../mocks/vasp/vasp.ts';
import { decodeMm7, type Mm7Message } from '../../src/codec/mm7/index.ts';
import type { DeviationName } from '../../src/mmsc/deviations.ts';
import { type RunningMmsc, startReferenceMmsc } from '../../src/mmsc/index.ts';
import { createModule } from '../../src/mmsc/mm7/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import type { MessageObservation } from '../../src/wire/timeline.ts';
import { Timeline } from '../../src/wire/timeline.ts';

/**
 * For the MM7 module's tests: the reference MMSC with the MM7 module among independent mock
 * peers over loopback — SMSC (SMPP notifications), WAP gateway, handsets alice/bob (immediate
 * retrieval) and the VASP mock (HTTP Basic user `vasp`/`secret`, VASPID VASP1, short code 12345).
 * A second VASP `OPEN2` (short code 54321) is configured without credentials.
 */
export interface Mm7Stack {
  timeline: Timeline;
  mmsc: RunningMmsc;
  mm7Url: string;
  vasp: Vasp;
  alice: Peer;
  bob: Peer;
  stop(): Promise<void>;
}

export const VASP_USER = 'vasp';
export const VASP_PASS = 'secret';

/** `deviate`: the deviations (src/mmsc/deviations.ts) the MMSC commits. */
export async function startMm7Stack(opts: { deviate?: DeviationName[] } = {}): Promise<Mm7Stack> {
  const timeline = new Timeline();
  const air = new AirInterface();
  const deps = { timeline, air };
  const ctx = { timeline, host: '127.0.0.1' as const };
  const peers: Peer[] = [];
  const start = async (kind: string, config: JsonObject) => {
    const p = PEER_KINDS[kind].create(config, deps);
    peers.push(p);
    return { peer: p, eps: await p.start(ctx) };
  };
  const smsc = await start('smsc', {});
  const vasp = await start('vasp', {
    user: VASP_USER,
    pass: VASP_PASS,
    vaspId: 'VASP1',
    shortCodes: ['12345'],
  });
  const mmsc = await startReferenceMmsc(
    {
      fsync: false,
      ...(opts.deviate ? { deviate: opts.deviate } : {}),
      notification: {
        route: 'smpp',
        host: '127.0.0.1',
        port: Number(new URL(smsc.eps[0].url).port),
        systemId: 'mmsc',
        password: 'pw',
        reconnectMs: 100,
      },
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 400 },
      vasps: [
        {
          vaspId: 'VASP1',
          username: VASP_USER,
          password: VASP_PASS,
          shortCodes: ['12345'],
          callbackUrl: vasp.eps[0].url,
        },
        { vaspId: 'OPEN2', shortCodes: ['54321'] },
      ],
    },
    { timeline, modules: [createModule({ requestTimeoutMs: 3000 })] },
  );
  const mm7Url = mmsc.endpoints.find((e) => e.iface === 'MM7')?.url ?? '';
  (vasp.peer as Vasp).setTarget(mm7Url);
  const mm1 = mmsc.endpoints.find((e) => e.iface === 'MM1')?.url ?? '';
  const gw = await start('wap-gateway', { upstream: mm1 });
  const alice = (await start('ue', { name: 'alice', msisdn: '+15550001', gateway: gw.eps[0].url, mmsc: mm1 }))
    .peer;
  const bob = (await start('ue', { name: 'bob', msisdn: '+15550002', gateway: gw.eps[0].url, mmsc: mm1 }))
    .peer;
  return {
    timeline,
    mmsc,
    mm7Url,
    vasp: vasp.peer as Vasp,
    alice,
    bob,
    async stop() {
      for (const p of peers.reverse()) await p.stop();
      await mmsc.stop();
    },
  };
}

/** The SOAP envelope text of an MM7 HTTP body (the root part of a multipart/related body). */
export function soapXmlOf(raw: Uint8Array): string {
  const text = Buffer.from(raw).toString('utf8');
  if (!text.startsWith('--')) return text;
  const boundary = text.slice(2, text.indexOf('\r\n'));
  const first = text.split(`--${boundary}`)[1];
  return first.slice(first.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
}

/** Every MM7 message the MMSC emitted (node mmsc, direction out), decoded, with its SOAP XML. */
export function emittedByMmsc(timeline: Timeline): Array<{ msg: Mm7Message; xml: string }> {
  return timeline
    .messages({ node: 'mmsc', iface: 'MM7' })
    .filter((o: MessageObservation) => o.direction === 'out' && o.raw !== undefined)
    .map((o) => {
      const raw = o.raw as Uint8Array;
      return { msg: decodeMm7(raw), xml: soapXmlOf(raw) };
    });
}

/** Polls `fn` until it returns a value (bounded). */
export async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
