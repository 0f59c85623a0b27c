import type { IncomingHttpHeaders } from 'node:http';

/**
 * Small HTTP helpers shared by the WAP gateway, the PPG and the handsets.
 */

/** Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1, RFC 7235 §4.4 for Proxy-*). */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The proxy credential a handset presents: `Proxy-Authorization: Basic base64(msisdn:)`. */
export function proxyCredential(msisdn: string): string {
  return `Basic ${Buffer.from(`${msisdn}:`).toString('base64')}`;
}

/** The user name of a Basic credential, or undefined when absent or not Basic. */
export function basicUser(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
}

/** E.164 digits with an optional leading '+'. */
export function isMsisdn(value: string): boolean {
  return /^\+?[0-9]{3,15}$/.test(value);
}

/** The media type of a Content-Type header, lower-cased, parameters dropped. */
export function mediaType(contentType: string | string[] | undefined): string {
  const v = Array.isArray(contentType) ? contentType[0] : contentType;
  return (v ?? '').split(';')[0].trim().toLowerCase();
}

export const MMS_MEDIA_TYPE = 'application/vnd.wap.mms-message';

/** Whether a host name designates this machine (the only place mmscert ever connects to). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Header value as one string (first of a repeated header). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Collects a stream's chunks up to `limit` octets; `overflow` is true when more arrived. */
export class BodyCollector {
  private readonly chunks: Buffer[] = [];
  size = 0;
  overflow = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.overflow) return;
    if (this.size > this.limit) {
      this.overflow = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(chunk);
  }

  bytes(): Uint8Array {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
