import http from 'node:http';
import { buildPdu, decodeMms, encodeMms, type MmsPdu, type MmsValue } from '../../src/codec/mms/index.ts';
import { LeanHttpClient } from './lean-http-client.ts';

export interface Mm1ClientOptions {
  /**
   * Send through LeanHttpClient (the load generator of the bench: a fraction of node's client
   * cost per request) instead of node's http client. URLs of another origin still go through node.
   */
  lean?: boolean;
}

/**
 * An MM1 client for the MMSC's tests and bench: POSTs PDUs as the WAP gateway would (with
 * the subscriber header) and GETs content locations. Keep-alive agent, bounded timeouts.
 */
export class Mm1Client {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly lean: LeanHttpClient | undefined;
  private readonly origin: string;
  private readonly path: string;

  constructor(
    readonly url: string,
    readonly msisdnHeader = 'X-MSISDN',
    options: Mm1ClientOptions = {},
  ) {
    const u = new URL(url);
    this.origin = `${u.protocol}//${u.host}`;
    this.path = `${u.pathname}${u.search}`;
    if (options.lean && u.protocol === 'http:') {
      this.lean = new LeanHttpClient(u.hostname, Number(u.port || 80), 64, 10_000);
    }
  }

  async post(
    body: Uint8Array,
    msisdn?: string,
    contentType = 'application/vnd.wap.mms-message',
  ): Promise<{ status: number; body: Buffer; pdu?: MmsPdu }> {
    const headers: Record<string, string | number> = {
      'content-type': contentType,
      'content-length': body.length,
    };
    if (msisdn) headers[this.msisdnHeader] = msisdn;
    const r = this.lean
      ? await this.lean.request(
          'POST',
          this.path,
          { 'content-type': contentType, ...msisdnOf(this.msisdnHeader, msisdn) },
          body,
        )
      : await request(this.url, 'POST', headers, body, this.agent);
    return { ...r, ...(r.status === 200 && r.body.length ? { pdu: decodeMms(new Uint8Array(r.body)) } : {}) };
  }

  postPdu(pdu: MmsPdu, msisdn?: string) {
    return this.post(encodeMms(pdu, { validate: false }), msisdn);
  }

  async get(url: string, msisdn?: string): Promise<{ status: number; body: Buffer; pdu?: MmsPdu }> {
    const headers: Record<string, string> = {};
    if (msisdn) headers[this.msisdnHeader] = msisdn;
    const sameOrigin =
      this.lean && url.startsWith(this.origin) && url.charCodeAt(this.origin.length) === 0x2f;
    const r = sameOrigin
      ? await this.lean!.request('GET', url.slice(this.origin.length), headers)
      : await request(url, 'GET', headers, undefined, this.agent);
    return { ...r, ...(r.status === 200 ? { pdu: decodeMms(new Uint8Array(r.body)) } : {}) };
  }

  close(): void {
    this.agent.destroy();
    this.lean?.close();
  }
}

/** A small m-send-req with one text part. */
export function sendReq(
  tid: string,
  to: string | string[],
  extra: Record<string, MmsValue | MmsValue[]> = {},
  text = 'hello',
): MmsPdu {
  return buildPdu(
    'm-send-req',
    {
      'X-Mms-Transaction-Id': tid,
      'X-Mms-MMS-Version': '1.3',
      From: { insertAddress: true },
      To: Array.isArray(to) ? to : [to],
      'Content-Type': { mediaType: 'application/vnd.wap.multipart.mixed', params: [] },
      ...extra,
    },
    [
      {
        contentType: { mediaType: 'text/plain', params: [{ name: 'charset', value: 'utf-8' }] },
        headers: [],
        data: new TextEncoder().encode(text),
      },
    ],
  );
}

function request(
  url: string,
  method: string,
  headers: Record<string, string | number>,
  body: Uint8Array | undefined,
  agent: http.Agent,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function msisdnOf(header: string, msisdn: string | undefined): Record<string, string> {
  return msisdn ? { [header]: msisdn } : {};
}
