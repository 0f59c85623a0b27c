import { AirInterface } from '../../../mocks/air-interface.ts';
import { Mm4Relay, type RelayedMail } from '../../../mocks/mm4-relay/mm4-relay.ts';
import type { SmtpCommand } from '../../../mocks/mm4-relay/smtp-transcript.ts';
import type { Peer } from '../../../mocks/peer.ts';
import { PEER_KINDS } from '../../../mocks/peer-kinds.ts';
import type { Handset } from '../../../mocks/ue/handset.ts';
import type { JsonObject } from '../../util/json.ts';
import { type MessageObservation, Timeline } from '../../wire/timeline.ts';
import { applicability } from '../ics/ics-select.ts';
import { awaitTargetBind, checkEndpoints } from '../targets/target-health.ts';
import { type InteropConfig, SIDES, type Side } from './interop-config.ts';
import {
  type InteropHandset,
  type InteropPurpose,
  type InteropPurposes,
  loadInteropPurposes,
  NotApplicable,
  type PurposeContext,
} from './interop-purposes.ts';
import {
  DIRECTIONS,
  directionSides,
  type InteropOutcome,
  type InteropResult,
  outcomeVerdict,
  type PartyFacts,
} from './interop-result.ts';

export interface InteropRunOptions {
  /** The purposes (default: every row of the matrix, loadInteropPurposes()). */
  purposes?: readonly InteropPurpose[];
  /** The case tables the content purposes read (from loadInteropPurposes). */
  tables?: InteropPurposes['tables'];
  /** How long both MMSCs get to bind to our SMSC and answer on MM1/MM4 (default 20 s). */
  readyMs?: number;
  /** Multiplies every ICS timer the purposes wait on (a loaded host). */
  timeScale?: number;
  /** Purpose directions run side by side (default DEFAULT_CONCURRENCY; 1: one after another). */
  concurrency?: number;
  /**
   * The address our peers the MMSCs reach (relay, SMSC, ENUM / HLR) listen on: loopback by default;
   * another address when the two MMSCs run on other hosts.
   */
  listen?: string;
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
  /** Every mail the relay carried, in order. */
  mails: RelayedMail[];
  /** Each connection the relay carried, its SMTP dialogue as both sides wrote it. */
  connections: { conn: string; from: Side; to: Side; commands: SmtpCommand[]; encrypted: boolean }[];
}

/**
 * Purpose directions run side by side by default: enough to overlap the waits (quiet windows,
 * retries, expiry), few enough that the MMs of the content purposes (up to 300 KB each) do not
 * crowd the host (every one crosses our handsets, gateways and relay, all tapped).
 */
export const DEFAULT_CONCURRENCY = 12;

/** `3s`, `500ms`, `2m`, or a bare number of milliseconds (ICS timers). */
export function timerMs(v: string | number | undefined, fallbackMs: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(v ?? '').trim());
  if (!m) return fallbackMs;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
}

const digits = (s: string) => s.replace(/\D/g, '');

/** Runs `fn` over `items` with at most `n` at once, results in order. */
async function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}

/**
 * Runs the interop purposes between two real MMSCs, both directions each, through our peers:
 * the recording MM4 relay between them, an SMSC (each MMSC's SMPP bind), an HLR / ENUM that
 * answers every handset's number with its operator's domain, a WAP gateway per side, and handsets
 * of each purpose direction's own (own numbers: the purposes run side by side, each reading only
 * its own mails and PDUs). A purpose whose ICS items a party does not claim, or that the matrix
 * says cannot run between two MMSCs, is not applicable, with the reason.
 */
export async function runInterop(cfg: InteropConfig, opts: InteropRunOptions = {}): Promise<InteropRun> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const timeline = new Timeline();
  const air = new AirInterface();
  // what the MMSCs reach (SMSC, ENUM / HLR, relay) listens on `listen`; our handsets and their WAP
  // gateways (in this process) stay on loopback
  const ctx = { timeline, host: opts.listen ?? '127.0.0.1' };
  const loopback = { timeline, host: '127.0.0.1' };
  const peers: Peer[] = [];
  const start = async (kind: string, config: JsonObject): Promise<Peer> => {
    const p = PEER_KINDS[kind].create(config, { timeline, air, seed });
    peers.push(p);
    await p.start(kind === 'ue' || kind === 'wap-gateway' ? loopback : ctx);
    return p;
  };
  const scale = opts.timeScale ?? 1;
  // fresh Transaction-IDs each run: an MMSC rightly takes a repeated one for a duplicate
  const seed = opts.seed ?? t0 % 2_147_483_647;
  const handsets: Record<Side, { name: string; msisdn: string }[]> = { a: [], b: [] };
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
  let purposes = opts.purposes;
  let tables = opts.tables;
  if (!purposes || !tables) {
    const loaded = loadInteropPurposes();
    purposes ??= loaded.purposes;
    tables ??= loaded.tables;
  }
  const outcomes: InteropOutcome[] = [];
  const relay = new Mm4Relay(
    timeline,
    [
      { from: 'a', listenPort: cfg.a.relayPort, upstream: { host: cfg.b.mm4.host, port: cfg.b.mm4.port } },
      { from: 'b', listenPort: cfg.b.relayPort, upstream: { host: cfg.a.mm4.host, port: cfg.a.mm4.port } },
    ],
    {},
    'relay',
    ctx.host,
  );
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
    // the HLR / ENUM both MMSCs ask: each handset's number with its operator's mcc/mnc (domain),
    // added as the purposes make their handsets
    const hlrSides: Side[] = cfg.a.hlr.dnsPort === cfg.b.hlr.dnsPort ? ['a'] : ['a', 'b'];
    const hlrs: Peer[] = [];
    for (const s of hlrSides)
      hlrs.push(
        await start('hlr', {
          name: hlrSides.length === 1 ? 'hlr' : `hlr.${s}`,
          dnsPort: cfg[s].hlr.dnsPort,
          httpPort: cfg[s].hlr.httpPort,
          subscribers: [],
          generate: 0,
        }),
      );
    const gateways = {} as Record<Side, string>;
    for (const s of SIDES) {
      const gw = await start('wap-gateway', { name: `wap-gateway.${s}`, upstream: cfg[s].mm1 });
      gateways[s] = gw.endpoints()[0].url;
    }
    let handsetCount = 0;
    const newHandset = async (side: Side, portedFrom?: Side): Promise<InteropHandset> => {
      handsetCount += 1;
      const n = handsetCount;
      const range = cfg[portedFrom ?? side].ics.provisioning.subscribers;
      const msisdn = `${range}${String(n).padStart(4, '0')}`;
      const name = `${side}${n}`;
      const p = cfg[side].ics.provisioning;
      for (const h of hlrs)
        await h.actions['add-subscriber']({
          msisdn,
          mcc: p.mcc,
          mnc: p.mnc,
          ...(portedFrom ? { ported: true } : {}),
        });
      const ue = (await start('ue', {
        name,
        msisdn,
        gateway: gateways[side],
        mmsc: cfg[side].mm1,
      })) as Handset;
      handsets[side].push({ name: ue.name, msisdn });
      // the handset's node name (ue.<name>): its PDUs on the timeline
      return { name: ue.name, msisdn, ue };
    };
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
    const jobs = purposes.flatMap((purpose) => DIRECTIONS.map((direction) => ({ purpose, direction })));
    const runOne = async ({ purpose, direction }: (typeof jobs)[number]): Promise<InteropOutcome> => {
      const { from, to } = directionSides(direction);
      const notApplicable = (reason: string): InteropOutcome => ({
        purpose: purpose.id,
        direction,
        verdict: 'not-applicable',
        checks: [],
        mails: [],
        handset: [],
        durationMs: 0,
        reason,
      });
      if (purpose.notApplicable || !purpose.run)
        return notApplicable(purpose.notApplicable ?? 'no realisation');
      const why = SIDES.flatMap((s) =>
        applicability(cfg[s].ics, purpose.ics).reasons.map((r) => `${s.toUpperCase()}: ${r}`),
      );
      if (why.length) return notApplicable(why.join('; '));
      const since = timeline.length;
      const startNs = timeline.now();
      const relayedSince = relay.mails.length;
      const connSince = relay.connections.length;
      const p0 = Date.now();
      const mine: InteropHandset[] = [];
      const notes: string[] = [];
      const pctx: PurposeContext = {
        from: cfg[from],
        to: cfg[to],
        handset: async (side, o) => {
          const h = await newHandset(side, o?.portedFrom);
          mine.push(h);
          return h;
        },
        token: `${purpose.id}-${from}${to}-${p0.toString(36)}`,
        mail: (pred, timeoutMs) => waitMail(relay, relayedSince, pred, timeoutMs),
        mailsNow: (pred) => relay.mails.slice(relayedSince).filter(pred),
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
        pdusNow: (node, type) =>
          timeline
            .all()
            .slice(since)
            .filter(
              (o): o is MessageObservation =>
                o.kind === 'message' && o.node === node && o.direction === 'in' && o.type === type,
            ),
        timer: (s, name) =>
          name === 'minExpiry'
            ? timerMs(cfg[s].ics.timers.minExpiry, 3000)
            : scale * (timerMs(cfg[s].ics.timers[name], 5000) + 2000),
        quiet: (ms) => scale * ms,
        fault: (rule) => relay.addFault(rule),
        connections: () =>
          relay.connections.slice(connSince).map((c) => ({
            from: c.from,
            to: c.to,
            encrypted: c.transcript.encrypted,
            starttls: c.transcript.commands.some((x) => /^STARTTLS$/i.test(x.line) && x.reply?.code === 220),
          })),
        table: (caseId) => {
          const t = tables?.get(caseId);
          if (!t) throw new Error(`no item table for ${caseId} in the matrix's suites`);
          return t;
        },
        note: (text) => notes.push(text),
      };
      let outcome: InteropOutcome;
      try {
        const checks = await purpose.run(pctx);
        await Promise.all(mine.map((h) => h.ue.settled()));
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
        outcome =
          e instanceof NotApplicable
            ? notApplicable(e.message)
            : errorOutcome(purpose.id, direction, (e as Error).message);
      }
      if (notes.length) outcome.notes = notes;
      outcome.durationMs = Date.now() - p0;
      // this direction's mails: those naming its handsets, and the .RES answering them
      const numbers = new Set(mine.map((h) => digits(h.msisdn)));
      const names = new Set(mine.map((h) => h.name));
      const own = relay.mails.slice(relayedSince).filter((m) => {
        const addrs = [m.mailFrom, ...m.rcptTo];
        return addrs.some((a) => numbers.has(digits(a.split('@')[0].split('/')[0])));
      });
      const tids = new Set(own.map((m) => tidOf(m)).filter((t): t is string => t !== undefined));
      const cited = new Set(outcome.checks.flatMap((c) => c.mails ?? []));
      outcome.mails = relay.mails
        .slice(relayedSince)
        .filter(
          (m) => own.includes(m) || cited.has(m.n) || (m.type?.endsWith('.RES') && tids.has(tidOf(m) ?? '')),
        );
      outcome.startRunMs = Math.round(startNs / 1e6);
      const origin = startNs;
      outcome.handset = timeline
        .all()
        .slice(since)
        .filter(
          (o): o is MessageObservation =>
            o.kind === 'message' && names.has(o.node) && (o.direction === 'in' || o.direction === 'out'),
        )
        .map((o) => ({
          atMs: Math.round((o.t - origin) / 1e6),
          node: o.node,
          direction: o.direction as 'in' | 'out',
          type: o.type,
          fields: o.fields,
        }));
      opts.onOutcome?.(outcome);
      return outcome;
    };
    outcomes.push(...(await pool(jobs, opts.concurrency ?? DEFAULT_CONCURRENCY, runOne)));
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
    mails: relay.mails,
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
      purposes: purposes.map(({ id, group, title, clauses, description, ics, notApplicable }) => ({
        id,
        group,
        title,
        clauses,
        description,
        ics,
        ...(notApplicable ? { notApplicable } : {}),
      })),
      outcomes,
      ...(setupError ? { setupError } : {}),
    },
  };
}

function tidOf(m: RelayedMail): string | undefined {
  const h = (m.fields?.headers as JsonObject | undefined)?.['X-Mms-Transaction-ID'];
  return h === undefined || h === null ? undefined : String(Array.isArray(h) ? h[0] : h).trim();
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
