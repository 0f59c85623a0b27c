import { AirInterface } from '../../../mocks/air-interface.ts';
import { Mm4Relay } from '../../../mocks/mm4-relay/mm4-relay.ts';
import type { SmtpCommand } from '../../../mocks/mm4-relay/smtp-transcript.ts';
import type { Peer } from '../../../mocks/peer.ts';
import { PEER_KINDS } from '../../../mocks/peer-kinds.ts';
import type { Handset } from '../../../mocks/ue/handset.ts';
import type { JsonObject } from '../../util/json.ts';
import { type MessageObservation, Timeline } from '../../wire/timeline.ts';
import { awaitTargetBind, checkEndpoints } from '../targets/target-health.ts';
import { type InteropConfig, type InteropParty, SIDES, type Side } from './interop-config.ts';
import { INTEROP_PURPOSES, type InteropPurpose, type PurposeContext } from './interop-purposes.ts';
import {
  DIRECTIONS,
  directionSides,
  type InteropOutcome,
  type InteropResult,
  outcomeVerdict,
  type PartyFacts,
} from './interop-result.ts';

export interface InteropRunOptions {
  purposes?: readonly InteropPurpose[];
  /** How long both MMSCs get to bind to our SMSC and answer on MM1/MM4 (default 20 s). */
  readyMs?: number;
  /** Multiplies every ICS timer the purposes wait on (a loaded host). */
  timeScale?: number;
  tool?: InteropResult['tool'];
  /** Seed of our peers (handsets' Transaction-IDs); default from the clock. */
  seed?: number;
  /** Called as each purpose direction ends. */
  onOutcome?: (o: InteropOutcome) => void;
}

export interface InteropRun {
  result: InteropResult;
  /** Everything our peers saw: the relay's two legs, SMPP, MM1 at the handsets (for the capture). */
  timeline: Timeline;
  /** Each connection the relay carried, its SMTP dialogue as both sides wrote it. */
  connections: { conn: string; from: Side; to: Side; commands: SmtpCommand[]; encrypted: boolean }[];
}

/** `3s`, `500ms`, `2m`, or a bare number of milliseconds (ICS timers). */
export function timerMs(v: string | number | undefined, fallbackMs: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(v ?? '').trim());
  if (!m) return fallbackMs;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
}

/** Handsets of ours on a side: numbers in its ICS range, the same each run. */
function handsetsOf(p: InteropParty): { name: string; msisdn: string }[] {
  const prefix = p.ics.provisioning.subscribers;
  return ['1', '2'].map((n) => ({ name: `${p.side}${n}`, msisdn: `${prefix}0${n.padStart(3, '0')}` }));
}

/**
 * Runs the interop purposes between two real MMSCs, both directions each, through our peers:
 * the recording MM4 relay between them, an SMSC (each MMSC's SMPP bind), an HLR / ENUM that
 * answers every handset's number with its operator's domain, a WAP gateway per side and two
 * handsets per side. Purposes run one after another (the relay's mails are told apart by the
 * purpose that was running and by their ids).
 */
export async function runInterop(cfg: InteropConfig, opts: InteropRunOptions = {}): Promise<InteropRun> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const timeline = new Timeline();
  const air = new AirInterface();
  const ctx = { timeline, host: '127.0.0.1' as const };
  const peers: Peer[] = [];
  const start = async (kind: string, config: JsonObject): Promise<Peer> => {
    const p = PEER_KINDS[kind].create(config, { timeline, air, seed });
    peers.push(p);
    await p.start(ctx);
    return p;
  };
  const scale = opts.timeScale ?? 1;
  // fresh Transaction-IDs each run: an MMSC rightly takes a repeated one for a duplicate
  const seed = opts.seed ?? t0 % 2_147_483_647;
  const handsets = { a: handsetsOf(cfg.a), b: handsetsOf(cfg.b) };
  const parties = {} as Record<Side, PartyFacts>;
  for (const s of SIDES) {
    const p = cfg[s];
    parties[s] = {
      side: s,
      name: p.name,
      ...(p.ics.implementation.vendor ? { vendor: p.ics.implementation.vendor } : {}),
      ...(p.ics.implementation.version ? { version: p.ics.implementation.version } : {}),
      domain: p.ics.provisioning.domain,
      mm1: p.mm1,
      mm4: p.mm4.url,
      icsFile: p.icsFile,
      icsText: p.icsText,
      ics: p.ics,
      handsets: handsets[s],
    };
  }
  const purposes = opts.purposes ?? INTEROP_PURPOSES;
  const outcomes: InteropOutcome[] = [];
  const relay = new Mm4Relay(timeline, [
    { from: 'a', listenPort: cfg.a.relayPort, upstream: { host: cfg.b.mm4.host, port: cfg.b.mm4.port } },
    { from: 'b', listenPort: cfg.b.relayPort, upstream: { host: cfg.a.mm4.host, port: cfg.a.mm4.port } },
  ]);
  let setupError: string | undefined;
  try {
    await relay.start();
    // our SMSC(s): each MMSC binds where its config points, with its ICS's credentials
    const smscNodes: Record<Side, string> = { a: 'smsc.a', b: 'smsc.b' };
    if (cfg.a.smsc.port === cfg.b.smsc.port) {
      smscNodes.b = smscNodes.a = 'smsc';
      await start('smsc', {
        name: 'smsc',
        port: cfg.a.smsc.port,
        systemId: cfg.a.smsc.systemId,
        password: cfg.a.smsc.password,
      });
    } else {
      for (const s of SIDES)
        await start('smsc', {
          name: smscNodes[s],
          port: cfg[s].smsc.port,
          systemId: cfg[s].smsc.systemId,
          password: cfg[s].smsc.password,
        });
    }
    // the HLR / ENUM both MMSCs ask: every handset's number with its operator's mcc/mnc (domain)
    const subscribers = SIDES.flatMap((s) =>
      handsets[s].map((h) => ({
        msisdn: h.msisdn,
        mcc: cfg[s].ics.provisioning.mcc,
        mnc: cfg[s].ics.provisioning.mnc,
      })),
    );
    const hlrSides: Side[] = cfg.a.hlr.dnsPort === cfg.b.hlr.dnsPort ? ['a'] : ['a', 'b'];
    for (const s of hlrSides)
      await start('hlr', {
        name: hlrSides.length === 1 ? 'hlr' : `hlr.${s}`,
        dnsPort: cfg[s].hlr.dnsPort,
        httpPort: cfg[s].hlr.httpPort,
        subscribers,
        generate: 0,
      });
    const ues = {} as Record<string, Handset>;
    for (const s of SIDES) {
      const gw = await start('wap-gateway', { name: `wap-gateway.${s}`, upstream: cfg[s].mm1 });
      const gwUrl = gw.endpoints()[0].url;
      for (const h of handsets[s])
        ues[h.name] = (await start('ue', {
          name: h.name,
          msisdn: h.msisdn,
          gateway: gwUrl,
          mmsc: cfg[s].mm1,
        })) as Handset;
    }
    const readyMs = opts.readyMs ?? 20_000;
    for (const s of SIDES) {
      const down = await checkEndpoints({ mm1: cfg[s].mm1, mm4: cfg[s].mm4.url });
      if (down.length) throw new Error(`${s.toUpperCase()} unreachable: ${down.join('; ')}`);
      const bound = await awaitTargetBind(timeline, smscNodes[s], readyMs);
      if (bound === undefined)
        throw new Error(
          `${s.toUpperCase()} did not bind to our SMSC (${smscNodes[s]}, port ${cfg[s].smsc.port}) within ${readyMs} ms`,
        );
    }
    for (const purpose of purposes) {
      for (const direction of DIRECTIONS) {
        const { from, to } = directionSides(direction);
        const key = `${purpose.id}.${from}-${to}`;
        timeline.setContext({ case: key });
        const since = timeline.length;
        const relayedSince = relay.mails.length;
        const p0 = Date.now();
        const sender = ues[handsets[from][0].name];
        const recipient = ues[handsets[to][0].name];
        const pctx: PurposeContext = {
          from: cfg[from],
          to: cfg[to],
          sender,
          recipient,
          senderMsisdn: handsets[from][0].msisdn,
          recipientMsisdn: handsets[to][0].msisdn,
          token: `${purpose.id}-${from}${to}-${p0.toString(36)}`,
          mail: (pred, timeoutMs) => waitMail(relay, relayedSince, pred, timeoutMs),
          pdu: async (node, type, pred, timeoutMs) => {
            try {
              return await timeline.waitFor<MessageObservation>(
                (o) =>
                  o.kind === 'message' &&
                  o.node === node &&
                  o.direction === 'in' &&
                  o.type === type &&
                  typeof o.fields === 'object' &&
                  o.fields !== null &&
                  !Array.isArray(o.fields) &&
                  pred(o.fields as JsonObject),
                { timeoutMs, since, description: `${type} at ${node}` },
              );
            } catch {
              return undefined;
            }
          },
          timer: (s, name) => scale * (timerMs(cfg[s].ics.timers[name], 5000) + 2000),
        };
        let outcome: InteropOutcome;
        try {
          const checks = await purpose.run(pctx);
          await Promise.all([sender.settled(), recipient.settled()]);
          outcome = {
            purpose: purpose.id,
            direction,
            verdict: outcomeVerdict(checks),
            checks,
            mails: [],
            handset: [],
            durationMs: 0,
          };
        } catch (e) {
          outcome = errorOutcome(purpose.id, direction, (e as Error).message);
        }
        outcome.durationMs = Date.now() - p0;
        outcome.mails = relay.mails.slice(relayedSince);
        const origin = timeline.all()[since]?.t ?? timeline.now();
        outcome.handset = timeline
          .all()
          .slice(since)
          .filter(
            (o): o is MessageObservation =>
              o.kind === 'message' && o.role === 'ue' && (o.direction === 'in' || o.direction === 'out'),
          )
          .map((o) => ({
            atMs: Math.round((o.t - origin) / 1e6),
            node: o.node,
            direction: o.direction as 'in' | 'out',
            type: o.type,
            fields: o.fields,
          }));
        outcomes.push(outcome);
        opts.onOutcome?.(outcome);
      }
    }
    timeline.setContext({});
  } catch (e) {
    setupError = (e as Error).message;
    for (const purpose of purposes)
      for (const direction of DIRECTIONS)
        if (!outcomes.some((o) => o.purpose === purpose.id && o.direction === direction))
          outcomes.push(errorOutcome(purpose.id, direction, setupError));
  } finally {
    for (const p of peers.reverse()) await p.stop().catch(() => undefined);
    await relay.stop();
  }
  return {
    timeline,
    connections: relay.connections.map((c) => ({
      conn: c.conn,
      from: c.from,
      to: c.to,
      commands: c.transcript.commands,
      encrypted: c.transcript.encrypted,
    })),
    result: {
      startedAt,
      wallMs: Date.now() - t0,
      seed,
      ...(opts.tool ? { tool: opts.tool } : {}),
      parties,
      purposes: purposes.map(({ id, title, ir53, clauses, description }) => ({
        id,
        title,
        ir53,
        clauses,
        description,
      })),
      outcomes,
      ...(setupError ? { setupError } : {}),
    },
  };
}

/** A purpose in one direction that could not be run (a set-up or harness failure): an `error`, with why. */
function errorOutcome(
  purpose: string,
  direction: InteropOutcome['direction'],
  error: string,
): InteropOutcome {
  return { purpose, direction, verdict: 'error', checks: [], mails: [], handset: [], durationMs: 0, error };
}

function waitMail(
  relay: Mm4Relay,
  since: number,
  pred: (m: Mm4Relay['mails'][number]) => boolean,
  timeoutMs: number,
): Promise<Mm4Relay['mails'][number] | undefined> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const poll = () => {
      const hit = relay.mails.slice(since).find(pred);
      if (hit) return resolve(hit);
      if (Date.now() >= deadline) return resolve(undefined);
      setTimeout(poll, 25);
    };
    poll();
  });
}
