import type http from 'node:http';
import { isCodecError } from '../../codec/codec-error.ts';
import { decodeMms, encodeMms, getHeader, type MmsPdu, mmsSummary } from '../../codec/mms/index.ts';
import { readBody } from '../../wire/read-body.ts';
import { lookupLocalPort } from '../../wire/tap.ts';
import { deviates } from '../deviations.ts';
import { MmscHttpEndpoint } from '../http-endpoint.ts';
import { parseMmsAddress } from '../mm5/address.ts';
import { compareVersions, lowerVersion, type MmscCore } from '../mmsc-core.ts';
import type { DeliveryOutcome, MmscEndpoint, MmscModule, OriginReport, OutboundDelivery } from '../module.ts';
import type { PushSender } from '../notify/push-sender.ts';
import { NoRouteError } from '../notify/push-sender.ts';
import type { StoredMessage } from '../store/message-store.ts';
import { GiveUp } from '../store/outbox.ts';
import { retrieveConfAnswer } from './handlers/retrieve-conf.ts';
import { type Mm1Answer, type Mm1Context, optional } from './mm1-handler.ts';
import { MM1_HANDLERS } from './mm1-handlers.ts';
import { Mmbox } from './mmbox.ts';
import { cancelReq, deliveryInd, notificationInd, readOrigInd, sendConf, textOf } from './pdus.ts';
import { responseStatus } from './response-status.ts';
import { subscriberFromHeaders } from './sender-identity.ts';

/**
 * MM1 (OMA-TS-MMS_CTR 1.3 §6-§8 over HTTP, PDUs per OMA-TS-MMS_ENC 1.3): the terminal side
 * of the reference MMSC.
 *
 *   POST {mm1Path}            m-send-req -> m-send-conf; m-notifyresp-ind, m-acknowledge-ind,
 *                             m-read-rec-ind, m-cancel-conf -> 204; m-forward-req -> m-forward-conf
 *   GET  {mm1Path}/{token}    m-retrieve-conf (404 for unknown, expired or cancelled messages)
 *
 * Local recipients are notified (m-notification-ind) by WAP push through the configured
 * PushSender; delivery and read reports for messages sent from here go back the same way.
 */

const MMS_CT = 'application/vnd.wap.mms-message';

export class Mm1Module implements MmscModule {
  readonly name = 'mm1';
  readonly iface = 'MM1' as const;
  readonly routes = ['local'] as const;
  private core!: MmscCore;
  private base = '';
  private readonly http = new MmscHttpEndpoint('MM1');
  private mmbox!: Mmbox;
  /** What the PDU handlers (MM1_HANDLERS) get of this module. */
  private context!: Mm1Context;

  constructor(readonly pushSender: PushSender) {}

  get port(): number {
    return this.http.port;
  }

  async start(core: MmscCore): Promise<MmscEndpoint[]> {
    this.core = core;
    this.mmbox = new Mmbox(core, (token) => this.contentLocation(token));
    this.context = { core, mmbox: this.mmbox, contentLocation: (token) => this.contentLocation(token) };
    const { config } = core;
    await this.http.start(core, config.ports.mm1, (req, res) => this.handle(req, res));
    this.base = (config.contentLocationBase ?? `http://127.0.0.1:${this.port}${config.mm1Path}`).replace(
      /\/$/,
      '',
    );
    this.pushSender.start();
    return [{ iface: 'MM1', url: `http://127.0.0.1:${this.port}${config.mm1Path}` }];
  }

  async stop(): Promise<void> {
    await this.pushSender.stop();
    await this.http.stop();
  }

  contentLocation(token: string): string {
    return `${this.base}/${token}`;
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { config } = this.core;
    const path = pathOf(req.url);
    const headers = deviates(config, 'roamer-msisdn-ignored')
      ? withoutRoamerIdentity(req.headers, config.domains[0], config.msisdnHeaders)
      : req.headers;
    if (req.method === 'GET' && path.startsWith(`${config.mm1Path}/`)) {
      const a = await retrieveConfAnswer(this.context, headers, path.slice(config.mm1Path.length + 1));
      return this.answer(res, a, a.kind === 'pdu' ? this.peerOf(req) : undefined);
    }
    if (path !== config.mm1Path) return plain(res, 404, 'no such resource');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return plain(res, 405, 'MM1 requests are POSTed');
    }
    const ctype = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (ctype !== MMS_CT) return plain(res, 415, `Content-Type must be ${MMS_CT}`);
    const hardLimit = Math.max(config.maxMessageSize * 4, config.maxMessageSize + 1024 * 1024);
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > hardLimit) {
      // Answer at once, then discard what the client is still sending for a bounded time
      // (lingering close, RFC 9112 §9.6): cutting the socket with unread data makes TCP reset it,
      // and the client (or a proxy relaying the body) loses the 413 it was about to read.
      plain(res, 413, 'request entity too large');
      const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
      cut.unref();
      req.on('end', () => clearTimeout(cut));
      req.on('close', () => clearTimeout(cut));
      req.resume();
      return;
    }
    const body = await readBody(req, hardLimit);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      return plain(res, 413, 'request entity too large');
    }
    const peer = this.peerOf(req);
    let pdu: MmsPdu;
    try {
      pdu = decodeMms(body);
    } catch (e) {
      if (!isCodecError(e)) throw e;
      this.core.observer.event('MM1', 'undecodable-pdu', { error: e.toLine(), size: body.length });
      // An undecodable m-send-req (octet 0x8C 0x80) still gets its m-send-conf
      // (ENC §7.3.48: Error-message-format-corrupt); anything else is not an MMS request.
      if (body[0] === 0x8c && body[1] === 0x80) {
        return this.replyPdu(
          res,
          sendConf(
            '',
            config.mmsVersion,
            responseStatus('format-corrupt', config.mmsVersion),
            undefined,
            e.toLine(),
          ),
          peer,
        );
      }
      return plain(res, 400, `not an MMS PDU: ${e.toLine()}`);
    }
    this.publish('in', pdu, body, peer);
    const subscriber = subscriberFromHeaders(headers, config.msisdnHeaders);
    const version = textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? '1.0';
    this.core.noteClientVersion(subscriber, version);
    const handler = MM1_HANDLERS[pdu.type];
    if (!handler)
      return plain(res, 400, `${pdu.type} is not a request an MMS client sends to the Proxy-Relay`);
    const answer = await handler(this.context, { pdu, raw: body, subscriber, version });
    this.answer(res, answer, peer);
  }

  /** The capture node of the client (the WAP gateway mock), for the timeline only. */
  private peerOf(req: http.IncomingMessage): string | undefined {
    if (!this.core.observer.enabled) return undefined;
    return lookupLocalPort('tcp', req.socket.remotePort ?? 0)?.node;
  }

  private publish(direction: 'in' | 'out', pdu: MmsPdu, raw: Uint8Array, peer?: string): void {
    const o = this.core.observer;
    if (!o.enabled) return;
    o.message('MM1', direction, pdu.type, () => mmsSummary(pdu), { raw, ...(peer ? { peer } : {}) });
  }

  /** Writes a handler's answer: its PDU (200), nothing (204) or a plain-text HTTP error. */
  private answer(res: http.ServerResponse, a: Mm1Answer, peer: string | undefined): void {
    if (a.kind === 'pdu') this.replyPdu(res, a.pdu, peer);
    else if (a.kind === 'empty') empty(res);
    else plain(res, a.status, a.text);
  }

  private replyPdu(res: http.ServerResponse, pdu: MmsPdu, peer?: string): void {
    const bytes = encodeLenient(pdu);
    this.publish('out', pdu, bytes, peer);
    res.writeHead(200, { 'content-type': MMS_CT, 'content-length': bytes.length });
    res.end(bytes);
  }

  // ---------------------------------------------------------------- module hooks

  async deliver(d: OutboundDelivery): Promise<DeliveryOutcome> {
    const { message, recipient } = d;
    if (!recipient.msisdn || !recipient.token || !recipient.notifyTransactionId) {
      return { status: 'failed', reason: 'local recipient without MSISDN' };
    }
    const { config } = this.core;
    const v = config.mmsVersion;
    const hide = message.hideSender && !deviates(config, 'ignore-sender-visibility');
    const pdu = notificationInd({
      transactionId: recipient.notifyTransactionId,
      version: v,
      ...optional('from', hide ? undefined : message.sender),
      ...optional('subject', message.subject),
      messageClass: message.messageClass ?? 'Personal',
      size: message.size,
      expiry: Math.floor(message.expiresAt / 1000),
      contentLocation: this.contentLocation(recipient.token),
      ...(message.deliveryReport ? { deliveryReport: true } : {}),
    });
    const omitted = [
      deviates(config, 'notification-no-size') && 'X-Mms-Message-Size',
      deviates(config, 'notification-no-expiry') && 'X-Mms-Expiry',
      deviates(config, 'notification-no-content-location') && 'X-Mms-Content-Location',
      deviates(config, 'notification-no-message-class') && 'X-Mms-Message-Class',
    ];
    pdu.headers = pdu.headers.filter((h) => !omitted.includes(h.name));
    await this.pushPdu(recipient.msisdn, pdu, `notify.${message.id}`);
    return { status: 'sent' };
  }

  async report(r: OriginReport): Promise<void> {
    const a = parseMmsAddress(r.message.sender);
    if (a?.kind !== 'plmn') throw new GiveUp(`sender ${r.message.sender} cannot take a WAP push`);
    const { config } = this.core;
    if (r.kind === 'delivery' && deviates(config, 'no-delivery-report')) return;
    const known = this.core.clientVersions.get(a.digits) ?? r.message.mmsVersion;
    const v = lowerVersion(known, config.mmsVersion);
    const status =
      r.kind === 'delivery' && deviates(config, 'delivery-report-wrong-status') ? 'Indeterminate' : r.status;
    const pdu =
      r.kind === 'delivery'
        ? deliveryInd(v, r.message.id, r.recipient.address, r.date, status)
        : readOrigInd(
            compareVersions(v, '1.1') < 0 ? '1.1' : v,
            r.message.id,
            r.message.sender,
            r.recipient.address,
            r.date,
            r.status,
          );
    await this.pushPdu(a.digits, pdu, `${r.kind}.${r.message.id}`);
  }

  /** Asks the notified-but-not-retrieved recipients' clients to drop a cancelled message (ENC 1.3 m-cancel-req). */
  cancelled(message: StoredMessage): Promise<void> {
    return this.pushCancel(message);
  }

  async pushCancel(message: StoredMessage): Promise<void> {
    for (const r of message.recipients) {
      if (r.route !== 'local' || !r.msisdn || (r.status !== 'notified' && r.status !== 'deferred')) continue;
      if (compareVersions(this.core.config.mmsVersion, '1.3') < 0) continue;
      await this.pushPdu(
        r.msisdn,
        cancelReq(`C${r.notifyTransactionId ?? message.id}`, '1.3', message.id),
        `cancel.${message.id}`,
      );
    }
  }

  private async pushPdu(msisdn: string, pdu: MmsPdu, label: string): Promise<void> {
    const bytes = encodeLenient(pdu);
    // the next hop of a push is the SMSC (SMPP route) or the push proxy gateway (PAP route)
    const hop = this.pushSender.kind === 'pap' ? 'ppg' : this.pushSender.kind === 'smpp' ? 'smsc' : undefined;
    this.publish('out', pdu, bytes, hop);
    try {
      await this.pushSender.push(msisdn, bytes, label);
    } catch (e) {
      if (e instanceof NoRouteError) throw new GiveUp(e.message);
      throw e;
    }
  }
}

/**
 * Encodes without validating: a PDU the validator would fault (e.g. a header a 1.0 client does not
 * know) is still sent as built. (Validation never changes the octets, so checking first and encoding
 * again on a fault would give the same result at twice the cost.)
 */
function encodeLenient(pdu: MmsPdu): Uint8Array {
  return encodeMms(pdu, { validate: false });
}

/**
 * The path of a request target. The usual target (`/mms`, `/mms/<token>`: letters, digits, `/`, `-`,
 * `_`) is its own path; anything else (query, percent-escapes, dot segments) goes through the WHATWG
 * URL parser, which normalises it.
 */
function pathOf(target: string | undefined): string {
  if (target !== undefined && PLAIN_PATH.test(target)) return target;
  return new URL(target ?? '/', 'http://mmsc.invalid').pathname;
}
const PLAIN_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9_/-]*)?$/;

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

function empty(res: http.ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** How long a refused oversized request's remaining body is read and dropped before the connection is cut. */
const LINGER_MS = 5000;

/**
 * Deviation `roamer-msisdn-ignored`: the subscriber headers of a request whose SGSN is in another
 * PLMN than the MMSC's own (the gateway's X-3GPP-SGSN-MCC-MNC) are dropped, as an MMSC that trusts
 * the network-inserted MSISDN only for its own SGSNs would.
 */
function withoutRoamerIdentity(
  headers: http.IncomingHttpHeaders,
  domain: string | undefined,
  names: readonly string[],
): http.IncomingHttpHeaders {
  const sgsn = headers['x-3gpp-sgsn-mcc-mnc'];
  const own = /mnc(\d{3})\.mcc(\d{3})/.exec(domain ?? '');
  if (typeof sgsn !== 'string' || !own) return headers;
  if (sgsn.slice(0, 3) === own[2] && Number(sgsn.slice(3)) === Number(own[1])) return headers;
  const out = { ...headers };
  for (const n of names) delete out[n.toLowerCase()];
  return out;
}
