import nodemailer from 'nodemailer';
import type { JsonObject } from '../../src/util/json.ts';
import type { TapOptions } from '../../src/wire/tap.ts';
import { tapGetSocket } from '../../src/wire/tap.ts';

/**
 * Sends exact RFC 5322 bytes over SMTP with nodemailer (`raw` keeps every byte, `envelope` sets
 * MAIL FROM / RCPT TO independently of the headers, as MM4 requires: TS 23.140 §8.4.1 puts the
 * MMS addresses in the headers and the relay addresses in the envelope).
 */

export interface SmtpTarget {
  /** `smtp://127.0.0.1:2525` (only loopback is ever used by the mocks). */
  url: string;
  /** `none` never upgrades; `opportunistic` upgrades when offered; `required` fails without it. */
  tls?: 'none' | 'opportunistic' | 'required';
  user?: string;
  pass?: string;
  /** EHLO name. */
  name?: string;
  /** Record the connection on the timeline (src/wire/tap.ts). */
  tap?: TapOptions;
}

export interface SmtpSendResult {
  ok: boolean;
  /** The SMTP reply code of the final answer (250 on success, 4xx/5xx otherwise, 0 when no reply). */
  code: number;
  response: string;
  accepted: string[];
  rejected: string[];
  /** The reply code of each refused RCPT, in order (e.g. 452 past a recipient limit, RFC 5321 §4.5.3.1.10). */
  rejectedCodes: number[];
}

export function parseSmtpUrl(url: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not an SMTP URL: ${url}`);
  }
  if (u.protocol !== 'smtp:') throw new Error(`not an SMTP URL: ${url}`);
  const port = Number(u.port || '25');
  return { host: u.hostname, port };
}

export async function smtpSend(
  target: SmtpTarget,
  envelope: { from: string; to: string[] },
  raw: Uint8Array,
): Promise<SmtpSendResult> {
  const { host, port } = parseSmtpUrl(target.url);
  const mode = target.tls ?? 'opportunistic';
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: false,
    ignoreTLS: mode === 'none',
    requireTLS: mode === 'required',
    // The mocks use the self-signed test certificate (mocks/tls).
    tls: { rejectUnauthorized: false },
    name: target.name ?? 'localhost',
    auth: target.user !== undefined ? { user: target.user, pass: target.pass ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(target.tap ? { getSocket: tapGetSocket(target.tap) } : {}),
  });
  try {
    const info = await transport.sendMail({ envelope, raw: Buffer.from(raw) });
    return {
      ok: true,
      code: Number.parseInt(info.response, 10) || 250,
      response: info.response,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
      rejectedCodes: codesOf((info as { rejectedErrors?: unknown }).rejectedErrors),
    };
  } catch (e) {
    const err = e as Error & {
      responseCode?: number;
      response?: string;
      rejected?: string[];
      rejectedErrors?: unknown;
    };
    return {
      ok: false,
      code: err.responseCode ?? 0,
      response: err.response ?? err.message,
      accepted: [],
      rejected: err.rejected?.map(String) ?? envelope.to,
      rejectedCodes: codesOf(err.rejectedErrors),
    };
  } finally {
    transport.close();
  }
}

function codesOf(errors: unknown): number[] {
  return Array.isArray(errors)
    ? errors.map((e) => Number((e as { responseCode?: number }).responseCode ?? 0))
    : [];
}

export function sendResultJson(r: SmtpSendResult): JsonObject {
  return {
    ok: r.ok,
    code: r.code,
    response: r.response,
    accepted: r.accepted,
    acceptedCount: r.accepted.length,
    rejected: r.rejected,
    rejectedCodes: r.rejectedCodes,
  };
}

/**
 * Envelope recipients generated from a number range, for fan-out cases: `{prefix, count, suffix?,
 * first?}` gives `<prefix><first..first+count-1, 4 digits><suffix>` (e.g. prefix `+1555000`,
 * suffix `/TYPE=PLMN@mms.example`). Undefined or malformed: none. At most 10,000.
 */
export function rangeRecipients(spec: unknown): string[] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return [];
  const o = spec as Record<string, unknown>;
  const count = Number(o.count);
  const first = o.first === undefined ? 1 : Number(o.first);
  if (typeof o.prefix !== 'string' || !Number.isInteger(count) || count < 0 || !Number.isInteger(first))
    return [];
  const suffix = typeof o.suffix === 'string' ? o.suffix : '';
  return Array.from(
    { length: Math.min(count, 10_000) },
    (_, i) => `${o.prefix}${String(first + i).padStart(4, '0')}${suffix}`,
  );
}
