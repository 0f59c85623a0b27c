import { AirInterface } from '../../mocks/air-interface.ts';
import type { Peer } from '../../mocks/peer.ts';
import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import { type RunningMmsc, startReferenceMmsc } from '../../src/mmsc/index.ts';
import { Mm3Module } from '../../src/mmsc/mm3/mm3-module.ts';
import { Mm4Module } from '../../src/mmsc/mm4/mm4-module.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';
import { Timeline } from '../../src/wire/timeline.ts';

/**
 * For the MM4 / MM3 end-to-end tests: the reference MMSC with its MM4 and MM3 modules among
 * the independent mock peers — SMSC (WAP push over the air interface), HLR/ENUM (MM5), a
 * remote MMSC for mms.mnc002.mcc310.gprs, a mail MTA, a WAP gateway and handsets alice and
 * bob (ours, mnc001). rita (+15559001) belongs to the remote MMSC.
 */

export const OUR_DOMAIN = 'mms.mnc001.mcc310.gprs';
export const REMOTE_DOMAIN = 'mms.mnc002.mcc310.gprs';
export const ALICE = '15550001';
export const BOB = '15550002';
export const RITA = '15559001';

export interface TestNetwork {
  timeline: Timeline;
  mmsc: RunningMmsc;
  remote: Peer;
  mail: Peer;
  alice: Peer;
  bob: Peer;
  mm4Url: string;
  mm3Url: string;
  stop(): Promise<void>;
}

export async function startTestNetwork(
  opts: { mmsc?: Record<string, unknown>; remote?: JsonObject; mm4ResponseTimeoutMs?: number } = {},
): Promise<TestNetwork> {
  const timeline = new Timeline();
  const air = new AirInterface();
  const deps = { timeline, air, seed: 1 };
  const ctx = { timeline, host: '127.0.0.1' as const };
  const peers: Peer[] = [];
  const start = async (p: Peer) => {
    peers.push(p);
    return p.start(ctx);
  };
  let mmsc: RunningMmsc | undefined;
  try {
    const [smscEp] = await start(PEER_KINDS.smsc.create({ systemId: 'mmsc', password: 'secret' }, deps));
    const [dnsEp] = await start(
      PEER_KINDS.hlr.create(
        {
          subscribers: [
            { msisdn: ALICE, mcc: '310', mnc: '001' },
            { msisdn: BOB, mcc: '310', mnc: '001' },
            { msisdn: RITA, mcc: '310', mnc: '002' },
          ],
        },
        deps,
      ),
    );
    const remote = PEER_KINDS['remote-mmsc'].create(
      { domain: REMOTE_DOMAIN, deliveryReportDelayMs: 20, readReplyDelayMs: 60, ...(opts.remote ?? {}) },
      deps,
    );
    const [remoteEp] = await start(remote);
    const mail = PEER_KINDS.mail.create({ domains: ['example.com'] }, deps);
    const [mailEp] = await start(mail);
    mmsc = await startReferenceMmsc(
      {
        domains: [OUR_DOMAIN],
        notification: {
          route: 'smpp',
          host: '127.0.0.1',
          port: Number(new URL(smscEp.url).port),
          systemId: 'mmsc',
          password: 'secret',
          reconnectMs: 100,
        },
        mm5: { enumServer: `127.0.0.1:${new URL(dnsEp.url).port}` },
        mm4: {
          peers: [{ domain: REMOTE_DOMAIN, host: '127.0.0.1', port: Number(new URL(remoteEp.url).port) }],
          responseTimeoutMs: opts.mm4ResponseTimeoutMs ?? 1500,
        },
        mm3: { relay: { host: '127.0.0.1', port: Number(new URL(mailEp.url).port) } },
        retry: { maxAttempts: 6, baseDelayMs: 150, maxDelayMs: 600 },
        ...(opts.mmsc ?? {}),
      },
      { timeline, modules: [new Mm4Module(), new Mm3Module()] },
    );
    const url = (iface: string) => mmsc!.endpoints.find((e) => e.iface === iface)!.url;
    (remote as unknown as { setTarget(u: string): void }).setTarget(url('MM4'));
    (mail as unknown as { setTarget(u: string): void }).setTarget(url('MM3'));
    const [gwEp] = await start(PEER_KINDS['wap-gateway'].create({ upstream: url('MM1') }, deps));
    const alice = PEER_KINDS.ue.create(
      { name: 'alice', msisdn: `+${ALICE}`, gateway: gwEp.url, mmsc: url('MM1') },
      deps,
    );
    const bob = PEER_KINDS.ue.create(
      { name: 'bob', msisdn: `+${BOB}`, gateway: gwEp.url, mmsc: url('MM1') },
      deps,
    );
    await start(alice);
    await start(bob);
    const running = mmsc;
    return {
      timeline,
      mmsc: running,
      remote,
      mail,
      alice,
      bob,
      mm4Url: url('MM4'),
      mm3Url: url('MM3'),
      async stop() {
        await running.stop();
        for (const p of peers.reverse()) await p.stop().catch(() => undefined);
      },
    };
  } catch (e) {
    await mmsc?.stop();
    for (const p of peers.reverse()) await p.stop().catch(() => undefined);
    throw e;
  }
}

/** Polls `probe` until `pred` holds (bounded), returning the last value. */
export async function until<T>(
  probe: () => Promise<T> | T,
  pred: (v: T) => boolean,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (pred(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached; last ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** A handset's inbox entries. */
export async function inbox(ue: Peer): Promise<JsonObject[]> {
  const r = (await ue.actions.inbox({})) as Json;
  return (Array.isArray(r) ? r : []) as JsonObject[];
}

/** What the remote MMSC received, of one type. */
export async function remoteReceived(remote: Peer, type?: string): Promise<JsonObject[]> {
  const r = (await remote.actions.received(type ? { type } : {})) as JsonObject;
  return (r.messages as JsonObject[]) ?? [];
}

/** A header of a received message's `fields` (mm4ToJson). */
export function hdr(m: JsonObject, name: string): string | undefined {
  const headers = (m.fields as JsonObject | undefined)?.headers as JsonObject | undefined;
  const v = headers?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined;
}
