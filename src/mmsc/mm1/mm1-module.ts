import type http from 'node:http';
import { isCodecError } from '../../codec/codec-error.ts';
import {
  decodeMms,
  encodeMms,
  getHeader,
  getHeaders,
  type MmsPdu,
  type MmsValue,
  mmsSummary,
  validateMms,
} from '../../codec/mms/index.ts';
import { mediaName } from '../../codec/wsp/index.ts';
import { readBody } from '../../wire/read-body.ts';
import { lookupLocalPort } from '../../wire/tap.ts';
import type { MmscConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import { MmscHttpEndpoint } from '../http-endpoint.ts';
import { newTransactionId, TOKEN_PATTERN, tokenOfLocation } from '../ids.ts';
import { parseMmsAddress } from '../mm5/address.ts';
import { compareVersions, lowerVersion, type MmscCore } from '../mmsc-core.ts';
import type { DeliveryOutcome, MmscEndpoint, MmscModule, OriginReport, OutboundDelivery } from '../module.ts';
import type { PushSender } from '../notify/push-sender.ts';
import { NoRouteError } from '../notify/push-sender.ts';
import { isOpen, OPEN_STATUSES, type StoredMessage } from '../store/message-store.ts';
import { GiveUp } from '../store/outbox.ts';
import { isSendersCopy, Mmbox } from './mmbox.ts';
import {
  addressesOf,
  cancelReq,
  deliveryInd,
  forwardConf,
  makePdu,
  mediaTypeOf,
  notificationInd,
  readOrigInd,
  retrieveConf,
  sendConf,
  textOf,
  timeOf,
} from './pdus.ts';
import { responseStatus, type SendProblem } from './response-status.ts';
import { decideSender, type SenderDecision, subscriberFromHeaders } from './sender-identity.ts';

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

  constructor(readonly pushSender: PushSender) {}

  get port(): number {
    return this.http.port;
  }

  async start(core: MmscCore): Promise<MmscEndpoint[]> {
    this.core = core;
    this.mmbox = new Mmbox(core, (token) => this.contentLocation(token));
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
    if (req.method === 'GET' && path.startsWith(`${config.mm1Path}/`)) {
      return this.retrieve(req, res, path.slice(config.mm1Path.length + 1));
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
    const subscriber = subscriberFromHeaders(req.headers, config.msisdnHeaders);
    const version = textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? '1.0';
    this.core.noteClientVersion(subscriber, version);
    switch (pdu.type) {
      case 'm-send-req':
        return this.replyPdu(res, await this.send(pdu, body, subscriber), peer);
      case 'm-forward-req':
        return this.replyPdu(res, await this.forward(pdu, subscriber), peer);
      case 'm-notifyresp-ind':
        return this.notifyResp(res, pdu, subscriber);
      case 'm-acknowledge-ind':
        return this.acknowledge(res, pdu, subscriber);
      case 'm-read-rec-ind':
        return this.readRec(res, pdu, subscriber);
      case 'm-delete-req':
        if (compareVersions(config.mmsVersion, '1.3') < 0)
          return plain(res, 400, 'm-delete-req is an MMS 1.3 PDU; this MMSC speaks an earlier version');
        return this.replyPdu(res, await this.deleteReq(pdu, subscriber, version), peer);
      case 'm-mbox-store-req':
      case 'm-mbox-view-req':
      case 'm-mbox-upload-req':
      case 'm-mbox-delete-req':
        return this.replyPdu(res, await this.mmboxReq(pdu, subscriber, version), peer);
      case 'm-cancel-conf':
        this.core.observer.event('MM1', 'cancel-confirmed', {
          transactionId: textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '',
          status: textOf(getHeader(pdu, 'X-Mms-Cancel-Status')) ?? '',
        });
        return empty(res);
      default:
        return plain(res, 400, `${pdu.type} is not a request an MMS client sends to the Proxy-Relay`);
    }
  }

  /** The MMBox requests (MMS 1.2+; ENC 1.3 MMBox PDUs), answered in the lower of both versions. */
  private async mmboxReq(
    pdu: MmsPdu,
    subscriber: string | undefined,
    clientVersion: string,
  ): Promise<MmsPdu> {
    const { config } = this.core;
    const v = lowerVersion(clientVersion, config.mmsVersion);
    // Before 1.2 there is no MMBox: an MMSC speaking 1.0/1.1 does not offer one.
    const offered = compareVersions(config.mmsVersion, '1.2') >= 0;
    const owner = offered ? subscriber : undefined;
    try {
      switch (pdu.type) {
        case 'm-mbox-store-req':
          return await this.mmbox.storeReq(pdu, owner, v);
        case 'm-mbox-view-req':
          return await this.mmbox.viewReq(pdu, owner, v);
        case 'm-mbox-upload-req':
          return await this.mmbox.uploadReq(pdu, owner, v);
        default:
          return await this.mmbox.deleteReq(pdu, owner, v);
      }
    } catch (e) {
      // The store could not commit: the client may try again (its conf, never an HTTP 500).
      this.core.observer.event('MM1', 'store-failed', { message: (e as Error).message });
      const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
      const conf = pdu.type.replace(/-req$/, '-conf') as MmsPdu['type'];
      const status: [string, MmsValue] =
        conf === 'm-mbox-store-conf' || conf === 'm-mbox-upload-conf'
          ? ['X-Mms-Store-Status', 'Error-transient-failure']
          : ['X-Mms-Response-Status', 'Error-transient-failure'];
      return makePdu(conf, tid, v, [status]);
    }
  }

  /**
   * m-delete-req (ENC 1.3 M-Delete.req): the client discards messages it was notified of without
   * retrieving them. Each one of its own becomes `rejected` for that recipient (the location stops
   * answering; a delivery report, if asked, says Rejected); every other location is reported in
   * m-delete-conf by its index (from 0, in request order) with Error-permanent-message-not-found.
   */
  private async deleteReq(
    pdu: MmsPdu,
    subscriber: string | undefined,
    clientVersion: string,
  ): Promise<MmsPdu> {
    const v = lowerVersion(clientVersion, this.core.config.mmsVersion);
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    if (!subscriber)
      return makePdu('m-delete-conf', tid, v, [
        ['X-Mms-Response-Status', responseStatus('service-denied', v)],
        ['X-Mms-Response-Text', 'subscriber not identified'],
      ]);
    const failed: Array<[string, MmsValue]> = [];
    for (const [index, value] of getHeaders(pdu, 'X-Mms-Content-Location').entries()) {
      const location = textOf(value) ?? '';
      const token = tokenOfLocation(location);
      const found = token ? this.core.store.byToken(token) : undefined;
      const rcpt = found?.message.recipients[found.index];
      if (
        !found ||
        !rcpt ||
        rcpt.msisdn !== subscriber ||
        found.message.state !== 'active' ||
        !isOpen(rcpt.status)
      ) {
        failed.push(['X-Mms-Content-Location', { index, value: location }]);
        failed.push(['X-Mms-Response-Status', { index, value: responseStatus('message-not-found', v) }]);
        continue;
      }
      await this.core.setRecipientStatus(found.message.id, found.index, 'rejected', {
        onlyFrom: OPEN_STATUSES,
      });
    }
    return makePdu(
      'm-delete-conf',
      tid,
      v,
      failed.length === 0 ? [['X-Mms-Response-Status', responseStatus('ok', v)]] : failed,
    );
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

  private replyPdu(res: http.ServerResponse, pdu: MmsPdu, peer?: string): void {
    const bytes = encodeLenient(pdu);
    this.publish('out', pdu, bytes, peer);
    res.writeHead(200, { 'content-type': MMS_CT, 'content-length': bytes.length });
    res.end(bytes);
  }

  // ---------------------------------------------------------------- m-send-req

  private async send(pdu: MmsPdu, raw: Uint8Array, subscriber: string | undefined): Promise<MmsPdu> {
    const { config } = this.core;
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    const clientVersion = textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? '1.0';
    // ENC §7.3.34: a PDU of an unsupported major version gets Error-unsupported-message.
    const unknownMajor = !/^1\.\d+$/.test(clientVersion);
    if (unknownMajor && !deviates(config, 'accept-unknown-major-version')) {
      return sendConf(
        tid,
        config.mmsVersion,
        responseStatus('unsupported-message', '1.0'),
        undefined,
        `MMS version ${clientVersion} not supported`,
      );
    }
    const v = deviates(config, 'send-conf-version-not-negotiated')
      ? config.mmsVersion
      : lowerVersion(clientVersion, config.mmsVersion);
    const fail = confFailure(sendConf, tid, v);

    const problems = validateMms(pdu);
    // (a PDU of an unknown major version reaches here only when deviating: it is not judged by 1.x rules)
    if (problems.length > 0 && !unknownMajor) return fail('format-corrupt', problems[0].toLine());
    const from = getHeader(pdu, 'From') as { insertAddress: true } | string | undefined;
    const sender: SenderDecision =
      deviates(config, 'trust-from') && typeof from === 'string' && parseMmsAddress(from)?.kind === 'plmn'
        ? { ok: true, msisdn: subscriber ?? '', address: from, inserted: false }
        : decideSender(from, subscriber, config.requireMsisdnHeader);
    if (!sender.ok) return fail(sender.problem, sender.text);
    const recipients = (['To', 'Cc', 'Bcc'] as const).flatMap((field) =>
      addressesOf(pdu, field).map((address) => ({ address, field })),
    );
    if (recipients.length === 0) return fail('format-corrupt', 'no recipient (To, Cc or Bcc)');
    const tooMany = tooManyRecipients(recipients.length, config);
    if (tooMany) return fail('permanent-failure', tooMany);
    if (raw.length > config.maxMessageSize && !deviates(config, 'accept-oversize')) {
      // ENC 1.3 has no "message too large" response status: content not accepted, with the reason.
      return fail(
        'content-not-accepted',
        `message too large: ${raw.length} > ${config.maxMessageSize} octets`,
      );
    }
    const refused = this.refusedContent(pdu);
    if (refused) return fail('content-not-accepted', `content type not accepted: ${refused}`);

    const now = Date.now();
    let result: Awaited<ReturnType<MmscCore['accept']>>;
    try {
      result = await this.core.accept({
        origin: 'mm1',
        sender: sender.address,
        transactionId: tid,
        mmsVersion: clientVersion,
        pdu: raw,
        recipients,
        contentType: mediaTypeOf(getHeader(pdu, 'Content-Type'), mediaName) ?? 'application/octet-stream',
        ...optional('subject', textOf(getHeader(pdu, 'Subject'))),
        ...optional('messageClass', textOf(getHeader(pdu, 'X-Mms-Message-Class'))),
        deliveryReport: getHeader(pdu, 'X-Mms-Delivery-Report') === 'Yes',
        readReport: getHeader(pdu, 'X-Mms-Read-Report') === 'Yes',
        hideSender: getHeader(pdu, 'X-Mms-Sender-Visibility') === 'Hide',
        ...optional('expiresAt', timeOf(getHeader(pdu, 'X-Mms-Expiry'), now)),
        ...optional('deliverAt', timeOf(getHeader(pdu, 'X-Mms-Delivery-Time'), now)),
      });
    } catch (e) {
      this.core.observer.event('MM1', 'store-failed', { message: (e as Error).message });
      return fail('transient-failure', 'message could not be stored; try again');
    }
    if (!result.ok)
      return fail(result.transient ? 'address-unresolved-transient' : 'address-unresolved', result.text);
    if (result.duplicate)
      this.core.observer.event('MM1', 'duplicate-transaction', {
        transactionId: tid,
        messageId: result.message.id,
      });
    const text = result.unresolved.length
      ? `not delivered to: ${result.unresolved.map((u) => u.address).join(', ')}`
      : undefined;
    const stored = await this.mmbox.storeOnSubmit(pdu, result.message, sender.msisdn, v);
    return sendConf(
      deviates(config, 'wrong-tid-echo') ? newTransactionId('S') : tid,
      v,
      responseStatus('ok', v),
      deviates(config, 'no-message-id') ? undefined : result.message.id,
      text,
      stored,
    );
  }

  /** The first media type (top level or a part) that the config does not allow, if any. */
  private refusedContent(pdu: MmsPdu): string | undefined {
    const allowed = this.core.config.allowedContentTypes;
    const top = mediaTypeOf(getHeader(pdu, 'Content-Type'), mediaName);
    if (!top) return 'missing';
    const multipart = top.startsWith('application/vnd.wap.multipart.') || top.startsWith('multipart/');
    if (!multipart && !typeAllowed(allowed, top)) return top;
    for (const part of pdu.parts ?? []) {
      const t = mediaTypeOf(part.contentType as MmsValue, mediaName) ?? 'application/octet-stream';
      if (!typeAllowed(allowed, t)) return t;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- m-forward-req

  private async forward(pdu: MmsPdu, subscriber: string | undefined): Promise<MmsPdu> {
    const { config } = this.core;
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    const v = lowerVersion(textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? '1.0', config.mmsVersion);
    const fail = confFailure(forwardConf, tid, v);
    const problems = validateMms(pdu);
    if (problems.length > 0) return fail('format-corrupt', problems[0].toLine());
    const sender = decideSender(
      getHeader(pdu, 'From') as { insertAddress: true } | string | undefined,
      subscriber,
      config.requireMsisdnHeader,
    );
    if (!sender.ok) return fail(sender.problem, sender.text);
    const token = tokenOfLocation(textOf(getHeader(pdu, 'X-Mms-Content-Location')) ?? '');
    const found = token ? this.core.store.byToken(token) : undefined;
    if (found?.message.state !== 'active') return fail('message-not-found', 'no such message to forward');
    const original = found.message;
    const rcpt = original.recipients[found.index];
    // Only the recipient the location was issued to may forward it (CTR §8.4 forward of a stored MM).
    if (rcpt.msisdn !== sender.msisdn) return fail('service-denied', 'not a recipient of this message');
    const recipients = (['To', 'Cc', 'Bcc'] as const).flatMap((field) =>
      addressesOf(pdu, field).map((address) => ({ address, field })),
    );
    if (recipients.length === 0) return fail('format-corrupt', 'no recipient (To, Cc or Bcc)');
    const tooMany = tooManyRecipients(recipients.length, config);
    if (tooMany) return fail('permanent-failure', tooMany);

    const stored = decodeMms(await this.core.store.readPdu(original.id));
    const keep = stored.headers.filter(
      (h) =>
        ![
          'X-Mms-Message-Type',
          'X-Mms-Transaction-Id',
          'X-Mms-MMS-Version',
          'From',
          'To',
          'Cc',
          'Bcc',
          'Content-Type',
          'Date',
          'X-Mms-Delivery-Report',
          'X-Mms-Read-Report',
          'X-Mms-Expiry',
          'X-Mms-Delivery-Time',
          'X-Mms-Previously-Sent-By',
          'X-Mms-Previously-Sent-Date',
        ].includes(h.name),
    );
    const now = Date.now();
    const fields: Array<[string, MmsValue | undefined]> = [
      ['From', sender.address],
      ...recipients.map((r) => [r.field, r.address] as [string, MmsValue]),
      ['Date', Math.floor(now / 1000)],
      ...keep.map((h) => [h.name, h.value] as [string, MmsValue]),
      ['X-Mms-Delivery-Report', getHeader(pdu, 'X-Mms-Delivery-Report')],
      ['X-Mms-Read-Report', getHeader(pdu, 'X-Mms-Read-Report')],
      ['X-Mms-Expiry', getHeader(pdu, 'X-Mms-Expiry')],
      // ENC §7.3.37/§7.3.38: who sent it before, and when (shown in the recipient's m-retrieve-conf).
      ['X-Mms-Previously-Sent-By', { count: 1, address: original.sender }],
      ['X-Mms-Previously-Sent-Date', { count: 1, date: Math.floor(original.receivedAt / 1000) }],
      ['Content-Type', getHeader(stored, 'Content-Type')],
    ];
    const newPdu = makePdu(
      'm-send-req',
      tid,
      stored.headers.length ? (textOf(getHeader(stored, 'X-Mms-MMS-Version')) ?? v) : v,
      fields,
    );
    if (stored.parts) newPdu.parts = stored.parts;
    if (stored.body) newPdu.body = stored.body;
    const bytes = encodeMms(newPdu, { validate: false });
    let result: Awaited<ReturnType<MmscCore['accept']>>;
    try {
      result = await this.core.accept({
        origin: 'mm1',
        sender: sender.address,
        transactionId: `fwd:${tid}`,
        mmsVersion: v,
        pdu: bytes,
        recipients,
        contentType: original.contentType,
        ...optional('subject', original.subject),
        ...optional('messageClass', original.messageClass),
        deliveryReport: getHeader(pdu, 'X-Mms-Delivery-Report') === 'Yes',
        readReport: getHeader(pdu, 'X-Mms-Read-Report') === 'Yes',
        ...optional('expiresAt', timeOf(getHeader(pdu, 'X-Mms-Expiry'), now)),
      });
    } catch {
      return fail('transient-failure', 'message could not be stored; try again');
    }
    if (!result.ok)
      return fail(result.transient ? 'address-unresolved-transient' : 'address-unresolved', result.text);
    if (!result.duplicate) {
      await this.core.setRecipientStatus(original.id, found.index, 'forwarded', {
        onlyFrom: OPEN_STATUSES,
      });
    }
    const copy = await this.mmbox.storeOnSubmit(pdu, result.message, sender.msisdn, v);
    return forwardConf(tid, v, responseStatus('ok', v), result.message.id, undefined, copy);
  }

  // ---------------------------------------------------------------- retrieval and its answers

  private async retrieve(req: http.IncomingMessage, res: http.ServerResponse, token: string): Promise<void> {
    if (!TOKEN_PATTERN.test(token)) return plain(res, 404, 'no such message');
    const found = this.core.store.byToken(token);
    if (!found) return this.retrieveStored(req, res, token);
    const { message, index } = found;
    const rcpt = message.recipients[index];
    if (message.state !== 'active' || rcpt.status === 'expired')
      return plain(res, 404, 'message expired or cancelled');
    // After m-notifyresp-ind Rejected the originator may already hold a Rejected delivery
    // report (OMA-TS-MMS_CTR, Notification): the copy is withdrawn, not served afterwards.
    const { config } = this.core;
    if (rcpt.status === 'rejected' && !deviates(config, 'serve-rejected'))
      return plain(res, 404, 'message rejected by the recipient');
    const subscriber = subscriberFromHeaders(req.headers, config.msisdnHeaders);
    // Only the identified recipient is served (OMA-TS-MMS_CTR: the MMSC authenticates the
    // retrieving subscriber); with no usable subscriber header there is nobody to serve.
    if (!subscriber && config.requireMsisdnHeader && !deviates(config, 'serve-foreign-location'))
      return plain(res, 403, 'subscriber not identified');
    if (
      subscriber &&
      rcpt.msisdn &&
      subscriber !== rcpt.msisdn &&
      !deviates(config, 'serve-foreign-location')
    )
      return plain(res, 403, 'not your message');
    const known = this.core.clientVersions.get(rcpt.msisdn ?? '') ?? rcpt.clientVersion ?? config.mmsVersion;
    // Version negotiation: answer with the lower of the client's version and ours.
    const v = lowerVersion(known, config.mmsVersion);
    const submitted = decodeMms(await this.core.store.readPdu(message.id));
    const pdu = retrieveConf(submitted, {
      transactionId: rcpt.notifyTransactionId,
      version: v,
      messageId: message.id,
      from: message.hideSender ? '' : message.sender,
      receivedAt: message.receivedAt,
    });
    if (message.hideSender) pdu.headers = pdu.headers.filter((h) => h.name !== 'From');
    this.deviateRetrieveConf(pdu, submitted, message);
    this.replyPdu(res, pdu, this.peerOf(req));
  }

  /** The deviations of m-retrieve-conf (src/mmsc/deviations.ts), applied to the conforming PDU. */
  private deviateRetrieveConf(pdu: MmsPdu, submitted: MmsPdu, message: StoredMessage): void {
    const { config } = this.core;
    const drop = (name: string) => {
      pdu.headers = pdu.headers.filter((h) => h.name !== name);
    };
    if (deviates(config, 'omit-date')) drop('Date');
    if (deviates(config, 'retrieve-no-message-id')) drop('Message-ID');
    if (deviates(config, 'retrieve-no-content-type')) drop('Content-Type');
    const insert = (name: string, value: MmsValue) => {
      const at = pdu.headers.findIndex((h) => h.name === 'Content-Type');
      pdu.headers.splice(at < 0 ? pdu.headers.length : at, 0, { name, value });
    };
    if (deviates(config, 'disclose-bcc')) for (const bcc of getHeaders(submitted, 'Bcc')) insert('Bcc', bcc);
    if (deviates(config, 'ignore-sender-visibility') && message.hideSender) insert('From', message.sender);
  }

  /** GET of an MMBox copy's location: m-retrieve-conf with its MM-State and MM-Flags (ENC 1.3 M-Retrieve.conf). */
  private async retrieveStored(req: http.IncomingMessage, res: http.ServerResponse, token: string) {
    const found = this.core.store.byMboxToken(token);
    if (!found) return plain(res, 404, 'no such message');
    const { message, entry } = found;
    const subscriber = subscriberFromHeaders(req.headers, this.core.config.msisdnHeaders);
    if (subscriber !== entry.owner) return plain(res, 403, 'not your MMBox');
    const known = this.core.clientVersions.get(entry.owner) ?? this.core.config.mmsVersion;
    const v = lowerVersion(known, this.core.config.mmsVersion);
    const own = isSendersCopy(message, entry);
    const submitted = decodeMms(await this.core.store.readPdu(message.id));
    const pdu = retrieveConf(submitted, {
      version: v,
      messageId: message.id,
      from: message.hideSender && !own ? '' : message.sender,
      receivedAt: message.receivedAt,
    });
    if (message.hideSender && !own) pdu.headers = pdu.headers.filter((h) => h.name !== 'From');
    if (compareVersions(v, '1.2') >= 0) {
      pdu.headers = pdu.headers.filter((h) => h.name !== 'X-Mms-MM-State' && h.name !== 'X-Mms-MM-Flags');
      const at = pdu.headers.findIndex((h) => h.name === 'Content-Type');
      const extra = this.mmbox.retrieveFields(entry).map(([name, value]) => ({ name, value }));
      pdu.headers.splice(at < 0 ? pdu.headers.length : at, 0, ...extra);
    }
    this.replyPdu(res, pdu, this.peerOf(req));
  }

  private recipientFor(pdu: MmsPdu, subscriber: string | undefined) {
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    const found = this.core.store.byNotifyTransaction(tid);
    if (!found) return { error: 404 as const, text: `unknown transaction ${tid}` };
    const rcpt = found.message.recipients[found.index];
    if (!subscriber && this.core.config.requireMsisdnHeader)
      return { error: 403 as const, text: 'subscriber not identified' };
    if (subscriber && rcpt.msisdn && subscriber !== rcpt.msisdn)
      return { error: 403 as const, text: 'not your transaction' };
    return { found, rcpt };
  }

  /** m-notifyresp-ind (ENC §6.2.2; CTR §8.2): the client's answer to the notification. */
  private async notifyResp(
    res: http.ServerResponse,
    pdu: MmsPdu,
    subscriber: string | undefined,
  ): Promise<void> {
    const r = this.recipientFor(pdu, subscriber);
    if ('error' in r) return plain(res, r.error ?? 400, r.text ?? '');
    const status = textOf(getHeader(pdu, 'X-Mms-Status'));
    const map: Record<string, 'retrieved' | 'rejected' | 'deferred' | 'unrecognised'> = {
      Retrieved: 'retrieved',
      Rejected: 'rejected',
      Deferred: 'deferred',
      Unrecognised: 'unrecognised',
    };
    const next = status ? map[status] : undefined;
    if (!next)
      return plain(res, 400, `X-Mms-Status ${status ?? '(missing)'} is not valid in m-notifyresp-ind`);
    const reportAllowed = getHeader(pdu, 'X-Mms-Report-Allowed') !== 'No';
    const clientVersion = textOf(getHeader(pdu, 'X-Mms-MMS-Version'));
    // A late Deferred after the retrieval must not undo it.
    await this.core.setRecipientStatus(r.found.message.id, r.found.index, next, {
      reportAllowed,
      ...(clientVersion ? { clientVersion } : {}),
      onlyFrom: next === 'deferred' ? ['pending', 'notified'] : OPEN_STATUSES,
    });
    return empty(res);
  }

  /** m-acknowledge-ind (ENC §6.4): the client confirms a retrieval (deferred retrieval). */
  private async acknowledge(
    res: http.ServerResponse,
    pdu: MmsPdu,
    subscriber: string | undefined,
  ): Promise<void> {
    const r = this.recipientFor(pdu, subscriber);
    if ('error' in r) return plain(res, r.error ?? 400, r.text ?? '');
    await this.core.setRecipientStatus(r.found.message.id, r.found.index, 'retrieved', {
      reportAllowed: getHeader(pdu, 'X-Mms-Report-Allowed') !== 'No',
      onlyFrom: OPEN_STATUSES,
    });
    return empty(res);
  }

  /** m-read-rec-ind (ENC §6.7.1): a read report from the recipient, relayed as m-read-orig-ind. */
  private async readRec(
    res: http.ServerResponse,
    pdu: MmsPdu,
    subscriber: string | undefined,
  ): Promise<void> {
    const id = textOf(getHeader(pdu, 'Message-ID')) ?? '';
    const status = textOf(getHeader(pdu, 'X-Mms-Read-Status'));
    if (!status) return plain(res, 400, 'X-Mms-Read-Status missing');
    const message = this.core.store.get(id);
    if (!message) return plain(res, 404, `unknown Message-ID ${id}`);
    const from = textOf(getHeader(pdu, 'From'));
    const who =
      subscriber ??
      (from
        ? parseMmsAddress(from)?.kind === 'plmn'
          ? (parseMmsAddress(from) as { digits: string }).digits
          : undefined
        : undefined);
    let index = message.recipients.findIndex((r) => r.msisdn !== undefined && r.msisdn === who);
    if (index < 0 && deviates(this.core.config, 'read-report-from-anyone')) index = 0;
    if (index < 0) return plain(res, 403, 'not a recipient of this message');
    if (deviates(this.core.config, 'no-read-report')) return empty(res);
    await this.core.readReport(message.id, index, status);
    return empty(res);
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

// a media type against the configured list: *, */*, type/* or the exact type
function typeAllowed(allowed: readonly string[], t: string): boolean {
  for (const a of allowed) {
    if (a === '*' || a === '*/*' || a === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))))
      return true;
  }
  return false;
}

/** Why a request naming `n` recipients is refused (more than `maxRecipients`), or undefined. */
function tooManyRecipients(n: number, config: MmscConfig): string | undefined {
  if (n <= config.maxRecipients || deviates(config, 'unbounded-recipients')) return undefined;
  return `too many recipients: ${n} > ${config.maxRecipients}`;
}

/**
 * The failed m-send-conf / m-forward-conf of one request. (Returned, not declared as a named arrow
 * per request: the TypeScript loader's keep-names helper costs a defineProperty per named closure.)
 */
function confFailure(
  conf: typeof sendConf,
  tid: string,
  v: string,
): (p: SendProblem, text: string) => MmsPdu {
  return (p, text) => conf(tid, v, responseStatus(p, v), undefined, text);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

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
