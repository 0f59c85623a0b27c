import type * as http from 'node:http';
import { boundedHttpPost } from './bounded-http-post.ts';

/**
 * One EAIF HTTP POST (Nokia MMS Center Application Development Guide 1.0 §4.2), used by both
 * ends: the application mock towards the MMSC and the reference MMSC towards an application. The
 * header lines go out as given (X-NOKIA-MMSC-* and Content-Type), with HTTP Basic credentials
 * when a user is given. Resolves with the raw answer whatever its status (decoding is the
 * caller's); rejects on transport failure, timeout or an oversized answer.
 */
export interface EaifHttpAnswer {
  status: number;
  /** The answer's header lines, flat `[name, value, ...]` as node read them. */
  rawHeaders: string[];
  body: Uint8Array;
}

export interface EaifPostOptions {
  url: string;
  headers: readonly (readonly [string, string])[];
  body: Uint8Array;
  user?: string;
  pass?: string;
  agent?: http.Agent;
  /** Whole-request inactivity limit; default 10 s. */
  timeoutMs?: number;
  /** Upper bound on the answer size (octets); default 1 MiB. */
  maxAnswer?: number;
}

export async function eaifHttpPost(o: EaifPostOptions): Promise<EaifHttpAnswer> {
  // an object, not a flat list: node frames the body by the Content-Length it finds there
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of o.headers) {
    const prev = headers[k];
    headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [String(prev), v];
  }
  headers['Content-Length'] = String(o.body.byteLength);
  const a = await boundedHttpPost({
    url: o.url,
    headers,
    body: o.body,
    ...(o.user !== undefined ? { user: o.user, pass: o.pass } : {}),
    agent: o.agent,
    timeoutMs: o.timeoutMs ?? 10_000,
    maxAnswer: o.maxAnswer ?? 1024 * 1024,
    peer: 'EAIF',
  });
  return { status: a.status, rawHeaders: a.rawHeaders, body: a.body };
}
