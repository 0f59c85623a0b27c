import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SMPP_RELATIVE_TIME_MAX_SECONDS } from '../codec/smpp/index.ts';
import { DEVIATION_NAMES } from './deviations.ts';

/**
 * Configuration of the reference MMSC. Every field has a default, so `startReferenceMmsc({})`
 * runs (ephemeral ports, a temporary store, notifications off until a route is configured).
 * `serve --config F` reads the same shape from YAML or JSON.
 */

const port = z.number().int().min(0).max(65535);
const hostPort = z.string().regex(/^127\.0\.0\.1:\d{1,5}$/, 'must be 127.0.0.1:PORT (loopback only)');

const smppRoute = z.strictObject({
  route: z.literal('smpp'),
  host: z.literal('127.0.0.1'),
  port,
  systemId: z.string().max(15),
  password: z.string().max(8),
  systemType: z.string().max(12).default(''),
  /** Source address of the WAP push SMS (the MMSC's short code or alphanumeric). */
  sourceAddr: z.string().max(20).default('MMSC'),
  /** Most submit_sm awaiting their response at once (SMPP 3.4 §2.7 windowing). */
  window: z.number().int().min(1).max(1000).default(10),
  /** SMPP registered_delivery for the pushes (0 none, 1 receipt on final outcome). */
  registeredDelivery: z.number().int().min(0).max(31).default(0),
  /**
   * How a push longer than one SMS is concatenated: `udh`, a concatenation element in each
   * segment's UDH (3GPP TS 23.040 §9.2.3.24.1, WAP-259 §6.5), or `sar`, the sar_* TLVs with the
   * ports in source_port / destination_port and no UDH (SMPP 3.4 §5.3.2.20-24: the SMSC builds it).
   */
  concatenation: z.enum(['udh', 'sar']).default('udh'),
  /**
   * validity_period of the pushes as a relative time (SMPP 3.4 §5.2.16, §7.1.1), in seconds;
   * 0: left empty (the SMSC's default validity).
   */
  validityPeriodS: z.number().int().min(0).max(SMPP_RELATIVE_TIME_MAX_SECONDS).default(0),
  /** First pause after ESME_RTHROTTLED; doubles while throttled, up to 30 s. */
  throttleBackoffMs: z.number().int().min(1).default(200),
  /** First pause before connecting again after a lost or refused connection; doubles up to reconnectMaxMs. */
  reconnectMs: z.number().int().min(1).default(500),
  /** Longest pause between connection attempts while the SMSC stays unreachable. */
  reconnectMaxMs: z.number().int().min(1).default(30_000),
  responseTimeoutMs: z.number().int().min(1).default(10_000),
  /** An enquire_link after this long without any PDU on the bind (SMPP 3.4 §4.11); 0: never. */
  enquireLinkMs: z.number().int().min(0).default(0),
  /** An enquire_link unanswered this long ends the connection, then a re-bind (default responseTimeoutMs). */
  enquireLinkTimeoutMs: z.number().int().min(1).optional(),
});

const papRoute = z.strictObject({
  route: z.literal('pap'),
  /** URL of the push proxy gateway's PAP endpoint. */
  url: z.string().url(),
  /** Domain part of the PAP client address `WAPPUSH=+1555/TYPE=PLMN@ppg`. */
  addressDomain: z.string().default('ppg.operator.example'),
  /** URL the PPG posts resultnotification-message to (optional). */
  notifyUrl: z.string().url().optional(),
});

const noRoute = z.strictObject({ route: z.literal('none') });

const mm4Peer = z.strictObject({
  /** Domain served by the peer MMSC (mms.mncXXX.mccYYY.gprs). */
  domain: z.string().min(1),
  host: z.literal('127.0.0.1').default('127.0.0.1'),
  port,
});

const vasp = z.strictObject({
  vaspId: z.string().min(1),
  vasId: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  shortCodes: z.array(z.string().regex(/^\d{3,8}$/)).default([]),
  /** Where DeliverReq / DeliveryReportReq / ReadReplyReq go (the VASP's MM7 server). */
  callbackUrl: z.string().url().optional(),
});

export const MmscConfigSchema = z.strictObject({
  /**
   * Listening address of MM1, MM3, MM4 and MM7: loopback (default). `0.0.0.0` only inside a
   * container, where published ports reach nothing bound to the container's loopback
   * (docker/mmsc.yaml); never on a test machine.
   */
  host: z.enum(['127.0.0.1', '0.0.0.0']),
  /** 0 = ephemeral. */
  ports: z.strictObject({ mm1: port, mm4: port, mm7: port, mm3: port }),
  /** HTTP path of the MM1 endpoint (POST) and prefix of content locations (GET). */
  mm1Path: z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/),
  /** Directory of the durable store; `null` = a new temporary directory per start. */
  storeDir: z.string().nullable(),
  /**
   * How the store keeps its state (src/mmsc/store/store-backend.ts): `journal` (one
   * append-only journal with group commit) or `directories` (a directory per message and a
   * file per job, each written under a temporary name, fsynced and renamed).
   */
  storeLayout: z.enum(['journal', 'directories']),
  /** fsync files and directories (turn off only to measure what durability costs). */
  fsync: z.boolean(),
  /** Our own MMS domains: recipients resolved to these are local subscribers. */
  domains: z.array(z.string().min(1)).min(1),
  /** Subscriber headers set by the WAP gateway, in order of trust (first present wins). */
  msisdnHeaders: z.array(z.string().min(1)),
  /** Refuse a submit that carries none of the headers (false: trust a +E164 From). */
  requireMsisdnHeader: z.boolean(),
  /** Largest m-send-req accepted, bytes (OMA-TS-MMS_CTR 1.3 §7.1.3: Error-permanent-content-not-accepted). */
  maxMessageSize: z.number().int().min(1),
  /**
   * Most recipients of one message, on every interface: RCPTs past it are answered 452 4.5.3
   * (MM3, MM4: RFC 5321 §4.5.3.1.10; at least 100, §4.5.3.1.8), an m-send-req / m-forward-req
   * naming more gets Error-permanent-failure, a SubmitReq 3003. Bounds the work one message makes.
   */
  maxRecipients: z.number().int().min(1),
  /** Allowed part content types (`image/*` wildcards; `*` or `* / *` accepts all). */
  allowedContentTypes: z.array(z.string().min(1)).min(1),
  /** Highest MMS version spoken (1.0..1.3). */
  mmsVersion: z.enum(['1.0', '1.1', '1.2', '1.3']),
  /** Expiry used when the submit has none, and the cap on the one asked for (seconds). */
  expiry: z.strictObject({ defaultSeconds: z.number().int().min(1), maxSeconds: z.number().int().min(1) }),
  notification: z.discriminatedUnion('route', [smppRoute, papRoute, noRoute]),
  mm5: z.strictObject({
    /** ENUM DNS server (RFC 6116 NAPTR). */
    enumServer: hostPort.optional(),
    enumSuffix: z.string().default('e164.arpa'),
    /** HLR HTTP base URL (`GET {hlrUrl}/hlr/v1/subscribers/{msisdn}`). */
    hlrUrl: z.string().url().optional(),
    timeoutMs: z.number().int().min(1).default(2000),
  }),
  mm4: z.strictObject({
    peers: z.array(mm4Peer),
    /** How long the MM4 module waits for an MM4_forward.RES before retrying the forward. */
    responseTimeoutMs: z.number().int().min(1).default(30_000),
  }),
  /** MM3 (e-mail): the MTA that takes mail for e-mail recipients; without a relay they fail. */
  mm3: z.strictObject({
    relay: z.strictObject({ host: z.literal('127.0.0.1').default('127.0.0.1'), port }).optional(),
    /** Largest e-mail accepted on the MM3 listener (octets, SMTP SIZE / 552). */
    maxSize: z
      .number()
      .int()
      .min(1)
      .default(1024 * 1024),
  }),
  /**
   * MM3 / MM4 behind an MTA front end, as most deployed MMSCs run (src/mmsc/mm4/mta-front.ts): the
   * SMTP listener takes every recipient and any message up to `maxSize` (an MTA's own limit, e.g.
   * Postfix's 10 MB) and answers 250 once it is queued; the MMSC's own checks run afterwards and a
   * refused recipient is reported to the envelope sender as an RFC 3464 DSN (RFC 5321 §6.1).
   * The reference ICS says `mm3.mtaFronted` / `mm4.mtaFronted` accordingly.
   */
  mtaFront: z.strictObject({ mm3: z.boolean(), mm4: z.boolean(), maxSize: z.number().int().min(1) }),
  vasps: z.array(vasp),
  /**
   * MMBox, the network-based store of each subscriber's messages (OMA-TS-MMS_CTR 1.3 "MMBox",
   * MMS 1.2+): off, the MMBox requests are answered Error-permanent-service-denied.
   */
  mmbox: z.strictObject({
    enabled: z.boolean(),
    /** Most messages one subscriber's MMBox holds (then Error-permanent-mmbox-full). */
    quotaMessages: z.number().int().min(1),
    /** Most octets of messages one subscriber's MMBox holds. */
    quotaBytes: z.number().int().min(1),
  }),
  /**
   * How long a finished message is kept (every recipient retrieved, rejected, expired, forwarded or
   * failed; or the message cancelled or expired), counted from its last change, before it is purged
   * from the store. Messages with an MMBox copy or a pending job are kept. Late read reports and
   * duplicate Transaction-IDs are recognised only within it.
   */
  retention: z.strictObject({ finishedSeconds: z.number().positive() }),
  /** Base of content locations; default `http://127.0.0.1:<mm1 port><mm1Path>`. */
  contentLocationBase: z.string().url().nullable(),
  /** Durable queue retries (notifications, reports, forwards). */
  retry: z.strictObject({
    maxAttempts: z.number().int().min(1),
    baseDelayMs: z.number().int().min(1),
    maxDelayMs: z.number().int().min(1),
  }),
  /**
   * Transport limits of every listener (src/wire/http-guard.ts): HTTP header, whole-request and
   * keep-alive idle timeouts (a time-out is answered 408, RFC 9110 §15.5.9, and the connection
   * closed), the SMTP idle timeout (421 and close, RFC 5321 §4.5.3.2.7 asks for at least 5 minutes
   * while a command is awaited) and the most simultaneous connections per listener (HTTP 503,
   * SMTP 421), so that one client's idle sockets cannot lock out the others.
   */
  connections: z.strictObject({
    httpHeadersTimeoutMs: z.number().int().min(1),
    httpRequestTimeoutMs: z.number().int().min(1),
    httpKeepAliveTimeoutMs: z.number().int().min(1),
    smtpIdleTimeoutMs: z.number().int().min(1),
    maxPerListener: z.number().int().min(1),
  }),
  /** Node name on the timeline. */
  node: z.string().min(1),
  /**
   * Named non-conformances to commit on purpose (src/mmsc/deviations.ts), to measure whether
   * the suites catch them (`npm run mutation`). Empty: the MMSC conforms as ever.
   */
  deviate: z.array(z.string()),
});

export type MmscConfig = z.infer<typeof MmscConfigSchema>;
export type SmppRouteConfig = z.infer<typeof smppRoute>;
export type PapRouteConfig = z.infer<typeof papRoute>;
export type Mm4PeerConfig = z.infer<typeof mm4Peer>;
export type VaspConfig = z.infer<typeof vasp>;
export type Mm3Config = MmscConfig['mm3'];

export const DEFAULT_MMSC_CONFIG: MmscConfig = {
  host: '127.0.0.1',
  ports: { mm1: 0, mm4: 0, mm7: 0, mm3: 0 },
  mm1Path: '/mms',
  storeDir: null,
  storeLayout: 'journal',
  fsync: true,
  domains: ['mms.mnc001.mcc310.gprs'],
  msisdnHeaders: ['X-MSISDN', 'X-WAP-Network-Client-MSISDN', 'X-Nokia-MSISDN', 'X-Up-Calling-Line-ID'],
  requireMsisdnHeader: true,
  maxMessageSize: 300 * 1024,
  maxRecipients: 100,
  allowedContentTypes: [
    'text/plain',
    'application/smil',
    'image/*',
    'audio/*',
    'video/*',
    'text/x-vcard',
    'text/x-vcalendar',
    'text/vcard',
    'text/calendar',
  ],
  mmsVersion: '1.3',
  expiry: { defaultSeconds: 7 * 24 * 3600, maxSeconds: 30 * 24 * 3600 },
  notification: { route: 'none' },
  mm5: { enumSuffix: 'e164.arpa', timeoutMs: 2000 },
  mm4: { peers: [], responseTimeoutMs: 30_000 },
  mm3: { maxSize: 1024 * 1024 },
  mtaFront: { mm3: false, mm4: false, maxSize: 10 * 1024 * 1024 },
  vasps: [],
  mmbox: { enabled: true, quotaMessages: 500, quotaBytes: 50 * 1024 * 1024 },
  retention: { finishedSeconds: 7 * 24 * 3600 },
  contentLocationBase: null,
  retry: { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 60_000 },
  connections: {
    httpHeadersTimeoutMs: 10_000,
    httpRequestTimeoutMs: 30_000,
    httpKeepAliveTimeoutMs: 5_000,
    smtpIdleTimeoutMs: 300_000,
    maxPerListener: 1_000,
  },
  node: 'mmsc',
  deviate: [],
};

/**
 * The RCPT limit of one SMTP transaction (MM3, MM4): `maxRecipients`, but never below the 100
 * recipients a server MUST buffer (RFC 5321 §4.5.3.1.8).
 */
export function smtpMaxRecipients(config: Pick<MmscConfig, 'maxRecipients'>): number {
  return Math.max(100, config.maxRecipients);
}

export class MmscConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MmscConfigError';
  }
}

export type MmscConfigInput = { [K in keyof MmscConfig]?: unknown };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
    return out;
  }
  return over;
}

/** Defaults + the given partial config, validated. Throws MmscConfigError with one line per problem. */
export function resolveMmscConfig(partial: MmscConfigInput | Partial<MmscConfig> = {}): MmscConfig {
  // A notification route replaces the default one as a whole (its shape depends on `route`).
  const p = partial as Record<string, unknown>;
  const base = { ...DEFAULT_MMSC_CONFIG } as Record<string, unknown>;
  if (p.notification !== undefined) base.notification = {};
  const merged = merge(base, p);
  const r = MmscConfigSchema.safeParse(merged);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MmscConfigError(`invalid MMSC config: ${lines.join('; ')}`);
  }
  const unknown = r.data.deviate.filter((d) => !(DEVIATION_NAMES as readonly string[]).includes(d));
  if (unknown.length > 0)
    throw new MmscConfigError(
      `invalid MMSC config: deviate: unknown deviation(s) ${unknown.join(', ')} (valid: ${DEVIATION_NAMES.join(', ')})`,
    );
  return r.data;
}

/** Reads `serve --config F` (YAML or JSON by extension; YAML parses JSON too). */
export async function loadMmscConfigFile(file: string): Promise<MmscConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new MmscConfigError(
      `cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  let data: unknown;
  try {
    data = path.extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new MmscConfigError(
      `${file}: not valid ${path.extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (data === null || data === undefined) data = {};
  if (!isPlainObject(data)) throw new MmscConfigError(`${file}: the config must be a mapping`);
  // A config file may hold the MMSC section under `mmsc:` beside other sections (peers, target).
  const section = isPlainObject(data.mmsc) ? data.mmsc : data;
  try {
    return resolveMmscConfig(section as MmscConfigInput);
  } catch (e) {
    if (e instanceof MmscConfigError) throw new MmscConfigError(`${file}: ${e.message}`);
    throw e;
  }
}
