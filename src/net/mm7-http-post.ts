import type * as http from 'node:http';
import { boundedHttpPost } from './bounded-http-post.ts';

/**
 * One MM7 HTTP POST, used by both ends of MM7 (the VASP mock towards the relay, the reference
 * relay towards a VASP): TS 23.140 §8.7.1, SOAP over HTTP/1.1 POST with a SOAPAction header,
 * HTTP Basic authentication between VASP and relay. Resolves with the raw answer whatever its
 * status (decoding is the caller's); rejects on transport failure, timeout or an oversized answer.
 */
export interface Mm7HttpAnswer {
  status: number;
  contentType: string;
  body: Uint8Array;
  /** The WWW-Authenticate challenge of a 401 (RFC 7235 §4.1), when one came. */
  wwwAuthenticate?: string;
}

export interface Mm7PostOptions {
  url: string;
  contentType: string;
  body: Uint8Array;
  user?: string;
  pass?: string;
  agent?: http.Agent;
  /** Whole-request inactivity limit; default 30 s. */
  timeoutMs?: number;
  /** Upper bound on the answer size (bytes); larger answers fail. Default 32 MiB. */
  maxAnswer?: number;
  /** Who answers, for error texts ('VASP', 'MMS Relay/Server'); default 'MM7'. */
  peer?: string;
}

export async function mm7HttpPost(o: Mm7PostOptions): Promise<Mm7HttpAnswer> {
  const a = await boundedHttpPost({
    url: o.url,
    headers: { 'Content-Type': o.contentType, 'Content-Length': o.body.byteLength, SOAPAction: '""' },
    body: o.body,
    ...(o.user !== undefined ? { user: o.user, pass: o.pass } : {}),
    agent: o.agent,
    timeoutMs: o.timeoutMs ?? 30_000,
    maxAnswer: o.maxAnswer ?? 32 * 1024 * 1024,
    peer: o.peer ?? 'MM7',
  });
  const challenge = a.headers['www-authenticate'];
  return {
    status: a.status,
    contentType: String(a.headers['content-type'] ?? ''),
    body: a.body,
    ...(challenge !== undefined ? { wwwAuthenticate: String(challenge) } : {}),
  };
}
