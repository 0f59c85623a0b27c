import http from 'node:http';
import { isCodecError } from '../../codec/codec-error.ts';
import {
  checkMm7Fields,
  checkMm7Wire,
  decodeMm7,
  encodeMm7,
  MM7_VERSIONS,
  type Mm7Fields,
  type Mm7Message,
  type Mm7MessageType,
  type Mm7VersionId,
  type Mm7WireIssue,
  mm7Status,
  mm7StatusClass,
  mm7ToJson,
  mm7Version,
} from '../../codec/mm7/index.ts';
import { decodeMms, encodeMms, getHeader, type MmsPdu, type MmsValue } from '../../codec/mms/index.ts';
import { mm7HttpPost } from '../../net/mm7-http-post.ts';
import { readBody } from '../../wire/read-body.ts';
import { lookupLocalPort, tapHttpAgent } from '../../wire/tap.ts';
import type { VaspConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import { MmscHttpEndpoint } from '../http-endpoint.ts';
import { newTransactionId } from '../ids.ts';
import { parseMmsAddress } from '../mm5/address.ts';
import type { AcceptResult, MmscCore } from '../mmsc-core.ts';
import type { DeliveryOutcome, MmscEndpoint, MmscModule, OriginReport, OutboundDelivery } from '../module.ts';
import { isOpen, type StoredMessage } from '../store/message-store.ts';
import { GiveUp, RetryLater } from '../store/outbox.ts';
import {
  mimeContentOf,
  mm7Addresses,
  mm7AddressOf,
  mm7Text,
  mm7Time,
  mmsAddressOf,
  mmsBodyOf,
  mmsSubject,
  mmsText,
  xsDateTime,
} from './mm7-mms-mapping.ts';
import { authenticateTransport, identifyVasp, type TransportAuth } from './vasp-auth.ts';

/**
 * MM7 (3GPP TS 23.140 §8.7, Annex L): the VASP side of the reference MMSC. One SOAP 1.1
 * endpoint (`POST /mm7` on `ports.mm7`) for every schema version the codec knows
 * (MM7_VERSIONS, REL-5-MM7-1-0 … REL-6-MM7-1-4); each answer is written in the version of its
 * request.
 *
 *   SubmitReq  → core.accept (stored durably first) → SubmitRsp 1000 + MessageID (1100 partial)
 *   CancelReq  → core.cancel while a recipient is still undelivered → CancelRsp 1000 (3001 after)
 *   ReplaceReq → new content for a message no recipient has retrieved → ReplaceRsp 1000 (3001 after)
 *   anything malformed → RSErrorRsp inside a SOAP Fault (HTTP 500, SOAP 1.1 §6.2)
 *
 * Outbound, through the durable outbox: DeliverReq for recipients routed to a VASP short code
 * (`deliver()`), DeliveryReportReq / ReadReplyReq to the VASP's callback URL when its
 * SubmitReq asked for them (`report()`).
 */

const PATH = '/mm7';
/** VASP → relay requests this endpoint serves, and the response each gets. */
const SERVED: Partial<Record<Mm7MessageType, Mm7MessageType>> = {
  SubmitReq: 'SubmitRsp',
  CancelReq: 'CancelRsp',
  ReplaceReq: 'ReplaceRsp',
};
const NEWEST: Mm7VersionId = 'REL-6-MM7-1-4';
const RESPONSE_CACHE_LIMIT = 10_000;

interface Reply {
  httpStatus: number;
  msg: Mm7Message;
}

export interface Mm7ModuleOptions {
  /** Timeout of a request to a VASP (default 10 s). */
  requestTimeoutMs?: number;
}

export class Mm7Module implements MmscModule {
  readonly name = 'mm7';
  readonly iface = 'MM7' as const;
  readonly routes = ['mm7'] as const;
  private core!: MmscCore;
  private agent: http.Agent = new http.Agent({ keepAlive: false });
  private readonly http = new MmscHttpEndpoint('MM7');
  /** Responses to Cancel/Replace by (VASP, TransactionID), and requests still running. */
  private readonly answered = new Map<string, Reply>();
  private readonly running = new Map<string, Promise<Reply>>();
  /** The schema version each VASP last spoke (used for the DeliverReqs we send it). */
  private readonly vaspVersion = new Map<string, Mm7VersionId>();

  constructor(private readonly opts: Mm7ModuleOptions = {}) {}

  get port(): number {
    return this.http.port;
  }

  async start(core: MmscCore): Promise<MmscEndpoint[]> {
    this.core = core;
    const { config } = core;
    if (core.timeline) {
      this.agent = tapHttpAgent(new http.Agent({ keepAlive: false }), {
        timeline: core.timeline,
        node: config.node,
        role: 'mmsc',
        iface: 'MM7',
        peerRole: 'vasp',
      });
    }
    await this.http.start(core, config.ports.mm7, (req, res) => this.handle(req, res));
    return [{ iface: 'MM7', url: `http://127.0.0.1:${this.port}${PATH}` }];
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.http.stop();
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://mmsc.invalid').pathname;
    if (path !== PATH) return plain(res, 404, `no MM7 endpoint at ${path}`);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return plain(res, 405, 'MM7 requests are POSTed (TS 23.140 §8.7.1)');
    }
    const { vasps } = this.core.config;
    const auth: TransportAuth = deviates(this.core.config, 'mm7-no-auth')
      ? { kind: 'authenticated', vasps: [...vasps] }
      : authenticateTransport(req.headers.authorization, vasps);
    if (auth.kind === 'refused') return this.unauthorized(req, res, auth.reason);
    const contentType = String(req.headers['content-type'] ?? '');
    if (!/^\s*(text\/xml|application\/soap\+xml|multipart\/related)\b/i.test(contentType)) {
      req.resume();
      return plain(res, 415, 'MM7 bodies are text/xml or multipart/related (TS 23.140 §8.7.1)');
    }
    const limit = Math.max(
      this.core.config.maxMessageSize * 4,
      this.core.config.maxMessageSize + 1024 * 1024,
    );
    if (Number(req.headers['content-length'] ?? '0') > limit) {
      res.setHeader('connection', 'close');
      plain(res, 413, 'request entity too large');
      req.destroy();
      return;
    }
    const body = await readBody(req, limit);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      return plain(res, 413, 'request entity too large');
    }
    const peer = lookupLocalPort('tcp', req.socket.remotePort ?? 0)?.node;
    let msg: Mm7Message;
    try {
      msg = decodeMm7(body, contentType);
    } catch (e) {
      if (!isCodecError(e)) throw e;
      this.core.observer.event('MM7', 'mm7-undecodable', { error: e.toLine(), size: body.length });
      if (e.field === 'Envelope@xmlns')
        return this.send(res, this.versionMismatch(sniffTid(body), sniffVersion(body), e.toLine()), peer);
      // §8.7.8 / status table: 4004 Validation error — the SOAP or XML structure could not be parsed.
      return this.send(res, this.rsError(sniffTid(body), sniffVersion(body), 4004, e.toLine()), peer);
    }
    this.publish('in', msg, body, peer);
    const refused = this.refuseWire(msg, body);
    if (refused) return this.send(res, refused, peer);
    const reply = await this.dispatch(msg, auth);
    if (reply === 'unauthorized') return this.unauthorized(req, res, 'this VASP must authenticate');
    this.send(res, reply, peer);
  }

  /**
   * What the decoder read past and MM7 refuses (checkMm7Wire), before anything is acted upon:
   * - a SOAP 1.2 envelope: MM7 binds to SOAP 1.1 (TS 23.140 §8.7.1), and a SOAP 1.1 node answers
   *   another envelope namespace with a VersionMismatch fault and discards the message (SOAP 1.1
   *   §4.1.2, faultcode §4.4.1);
   * - a multipart without its close-delimiter (RFC 2046 §5.1.1; the request may be cut short):
   *   RSErrorRsp 2007 Message format corrupt (status table: the message's format is incorrect; it
   *   is not the SOAP/XML that failed, which 4004 names);
   * - the operation or TransactionID in a namespace that is no MM7 schema's (a trailing slash or
   *   space, https, another host or case: namespaces compare as strings, Namespaces in XML §2.3):
   *   RSErrorRsp 4004 Validation error ("the message format is not compatible to the format
   *   specified"); a well-formed MM7 namespace of a version we lack: 4002 Unsupported version.
   * A Content@href naming no part is refused later, in the operation's own response (2007).
   */
  private refuseWire(msg: Mm7Message, body: Uint8Array): Reply | undefined {
    const cfg = this.core.config;
    const issue = checkMm7Wire(msg).find(
      (i) =>
        i.kind !== 'dangling-href' &&
        !(i.kind === 'soap-version' && deviates(cfg, 'mm7-soap12-accepted')) &&
        !(i.kind === 'unclosed-multipart' && deviates(cfg, 'mm7-unclosed-multipart')) &&
        !(
          (i.kind === 'not-mm7-namespace' || i.kind === 'unsupported-version') &&
          deviates(cfg, 'mm7-any-namespace') &&
          looseVersionOf(msg) !== undefined
        ),
    );
    if (!issue) return undefined;
    this.core.observer.event('MM7', 'mm7-refused', { kind: issue.kind, error: issueLine(issue) });
    const tid = msg.transactionId || sniffTid(body);
    const version = mm7Version(msg.version)?.id ?? sniffVersion(body);
    if (issue.kind === 'soap-version') return this.versionMismatch(tid, version, issueLine(issue));
    if (issue.kind === 'unclosed-multipart') return this.rsError(tid, version, 2007, issueLine(issue));
    if (issue.kind === 'unsupported-version') return this.rsError(tid, NEWEST, 4002, issue.reason);
    return this.rsError(tid, version, 4004, issueLine(issue));
  }

  private unauthorized(req: http.IncomingMessage, res: http.ServerResponse, reason: string): void {
    this.core.observer.event('MM7', 'mm7-auth-refused', { reason });
    req.resume();
    res.setHeader('www-authenticate', 'Basic realm="mmsc-mm7", charset="UTF-8"');
    plain(res, 401, 'authentication required');
  }

  private async dispatch(
    msg: Mm7Message,
    auth: Exclude<TransportAuth, { kind: 'refused' }>,
  ): Promise<Reply | 'unauthorized'> {
    const version =
      mm7Version(msg.version)?.id ??
      (deviates(this.core.config, 'mm7-any-namespace') ? looseVersionOf(msg) : undefined);
    const tid = msg.transactionId;
    // §8.7.1: the TransactionID header is mandatory; an empty one is echoed as sent, with 4004.
    if (!tid.trim())
      return this.rsError(tid, version ?? NEWEST, 4004, 'empty TransactionID (TS 23.140 §8.7.1)');
    if (!version) {
      return this.rsError(tid, NEWEST, 4002, `schema ${msg.version || '(no namespace)'} is not supported`);
    }
    const rspType = SERVED[msg.type];
    if (!rspType) return this.rsError(tid, version, 4003, `${msg.type} is not a request a VASP sends`);
    // Tolerant of elements we do not know; strict on mandatory elements and values (§8.7 tables).
    const issues = checkMm7Fields(msg.type, version, msg.fields).filter(
      (i) => !/not an element of|not defined in/.test(i.reason),
    );
    if (issues.length > 0) {
      const text = issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
      const missing = issues.some((i) => /^mandatory/.test(i.reason));
      if (deviates(this.core.config, 'mm7-1000-for-bad-request'))
        return this.rsp(rspType, tid, version, 1000);
      // 4004 Validation error: a mandatory element missing; 2007 Message format corrupt: a bad value.
      return this.rsError(tid, version, missing ? 4004 : this.formatCorrupt(), text.slice(0, 500));
    }
    const si = msg.fields.SenderIdentification;
    const sio = si && typeof si === 'object' && !Array.isArray(si) ? si : {};
    const who = identifyVasp(auth, this.core.config.vasps, mm7Text(sio.VASPID), mm7Text(sio.VASID));
    if (!who.ok) {
      if (who.status === 401) return 'unauthorized';
      this.core.observer.event('MM7', 'mm7-identification-refused', { reason: who.reason });
      return this.rsp(rspType, tid, version, 4001, { details: who.reason });
    }
    const vasp = who.vasp;
    // Status table, 2007 Message format corrupt: Content@href (an element value) names no MIME part.
    if (msg.wire?.hrefResolved === false && !deviates(this.core.config, 'mm7-dangling-href')) {
      const issue = checkMm7Wire(msg).find((i) => i.kind === 'dangling-href');
      return this.rsp(rspType, tid, version, this.formatCorrupt(), {
        details: issue ? issueLine(issue) : 'Content@href names no attachment of the request',
      });
    }
    this.vaspVersion.set(vasp.vaspId, version);
    if (msg.type === 'SubmitReq') return this.submit(msg, vasp, version);
    // Cancel/Replace: a repeated TransactionID from the same VASP gets the same answer.
    const key = `${vasp.vaspId}\u0000${msg.type}\u0000${tid}`;
    const done = this.answered.get(key);
    if (done) {
      this.core.observer.event('MM7', 'duplicate-transaction', { vaspId: vasp.vaspId, transactionId: tid });
      return done;
    }
    let p = this.running.get(key);
    if (!p) {
      p = (msg.type === 'CancelReq' ? this.cancel(msg, vasp, version) : this.replace(msg, vasp, version))
        .then((r) => {
          this.remember(key, r);
          return r;
        })
        .finally(() => this.running.delete(key));
      this.running.set(key, p);
    }
    return p;
  }

  private remember(key: string, r: Reply): void {
    this.answered.set(key, r);
    if (this.answered.size > RESPONSE_CACHE_LIMIT) {
      const oldest = this.answered.keys().next().value;
      if (oldest !== undefined) this.answered.delete(oldest);
    }
  }

  // ---------------------------------------------------------------- SubmitReq (§8.7.2)

  private async submit(msg: Mm7Message, vasp: VaspConfig, version: Mm7VersionId): Promise<Reply> {
    const tid = msg.transactionId;
    const f = msg.fields;
    const fail = (code: number, details: string) => this.rsp('SubmitRsp', tid, version, code, { details });
    const rc = f.Recipients;
    const recipients: Array<{ address: string; field: 'To' | 'Cc' | 'Bcc' }> = [];
    const bad: string[] = [];
    for (const field of ['To', 'Cc', 'Bcc'] as const) {
      const v = rc && typeof rc === 'object' && !Array.isArray(rc) ? rc[field] : undefined;
      for (const a of mm7Addresses(v)) {
        if (a.displayOnly) continue;
        const address = mmsAddressOf(a);
        if (address) recipients.push({ address, field });
        else bad.push(`${a.kind} ${a.value}`);
      }
    }
    if (recipients.length === 0) {
      return fail(2002, bad.length ? `not an address: ${bad.join(', ')}` : 'no deliverable recipient');
    }
    const max = this.core.config.maxRecipients;
    if (recipients.length > max && !deviates(this.core.config, 'unbounded-recipients')) {
      // Status table, 3003 Multiple addresses not supported: the operation on this many recipients
      // is not taken; the VASP MAY resubmit it split into operations on fewer recipients.
      return fail(3003, `too many recipients: ${recipients.length} > ${max}`);
    }
    if (f.Content !== undefined && !msg.content)
      return fail(this.formatCorrupt(), 'Content@href names no attachment of the request');
    const refused = this.refusedContent(msg);
    if (refused) return fail(2004, refused);
    const now = Date.now();
    const sender = this.senderAddress(f, vasp);
    const subject = mm7Text(f.Subject);
    const messageClass = mm7Text(f.MessageClass);
    const priority = mm7Text(f.Priority);
    const deliveryReport = isTrue(mm7Text(f.DeliveryReport));
    const readReport = isTrue(mm7Text(f.ReadReply));
    const expiresAt = mm7Time(mm7Text(f.ExpiryDate), now);
    const deliverAt = mm7Time(mm7Text(f.EarliestDeliveryTime), now);
    const stamp = mm7Time(mm7Text(f.TimeStamp), now) ?? now;
    const body = mmsBodyOf(msg.content);
    const pdu: MmsPdu = {
      type: 'm-send-req',
      headers: [
        { name: 'X-Mms-Message-Type', value: 'm-send-req' },
        { name: 'X-Mms-Transaction-Id', value: tid },
        { name: 'X-Mms-MMS-Version', value: this.core.config.mmsVersion },
        { name: 'Date', value: Math.floor(stamp / 1000) },
        { name: 'From', value: sender },
        ...recipients.map((r) => ({ name: r.field, value: r.address as MmsValue })),
        ...(subject !== undefined ? [{ name: 'Subject', value: mmsSubject(subject) }] : []),
        ...(messageClass !== undefined ? [{ name: 'X-Mms-Message-Class', value: messageClass }] : []),
        ...(priority !== undefined ? [{ name: 'X-Mms-Priority', value: priority }] : []),
        ...(expiresAt !== undefined
          ? [{ name: 'X-Mms-Expiry', value: { absolute: Math.floor(expiresAt / 1000) } }]
          : []),
        { name: 'X-Mms-Delivery-Report', value: deliveryReport ? 'Yes' : 'No' },
        { name: 'X-Mms-Read-Report', value: readReport ? 'Yes' : 'No' },
        { name: 'Content-Type', value: body.contentType },
      ],
      parts: body.parts,
    };
    let bytes: Uint8Array;
    try {
      bytes = encodeMms(pdu, { validate: false });
    } catch (e) {
      if (!isCodecError(e)) throw e;
      return fail(2007, e.toLine());
    }
    if (bytes.length > this.core.config.maxMessageSize) {
      return fail(2004, `message too large: ${bytes.length} > ${this.core.config.maxMessageSize} octets`);
    }
    const originInfo: Record<string, string> = { vaspId: vasp.vaspId, version, transactionId: tid };
    const linked = mm7Text(f.LinkedID);
    const service = mm7Text(f.ServiceCode);
    if (linked) originInfo.linkedId = linked;
    if (service) originInfo.serviceCode = service;
    let result: AcceptResult;
    try {
      result = await this.core.accept({
        origin: 'mm7',
        originInfo,
        sender,
        // Idempotency key (with the sender): the TransactionID within this VASP.
        transactionId: `${vasp.vaspId}:${tid}`,
        mmsVersion: this.core.config.mmsVersion,
        pdu: bytes,
        recipients,
        contentType: msg.content?.contentType ?? 'application/vnd.wap.multipart.mixed',
        ...(subject !== undefined ? { subject } : {}),
        ...(messageClass !== undefined ? { messageClass } : {}),
        deliveryReport,
        readReport,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(deliverAt !== undefined ? { deliverAt } : {}),
      });
    } catch (e) {
      this.core.observer.event('MM7', 'store-failed', { message: (e as Error).message });
      return fail(3000, 'the message could not be stored; try again');
    }
    if (!result.ok) {
      if (result.transient) return fail(4006, result.text);
      return fail(/malformed address/.test(result.text) ? 2002 : 2003, result.text);
    }
    const m = result.message;
    if (result.duplicate) {
      this.core.observer.event('MM7', 'duplicate-transaction', {
        vaspId: vasp.vaspId,
        transactionId: tid,
        messageId: m.id,
      });
      const partial = m.originInfo?.partial;
      return this.rsp('SubmitRsp', tid, version, partial ? 1100 : 1000, {
        messageId: m.id,
        ...(partial ? { details: partial } : {}),
      });
    }
    if (result.unresolved.length > 0) {
      const details = `not delivered to: ${result.unresolved.map((u) => u.address).join(', ')}`;
      await this.core.store.update(m.id, (x) => {
        x.originInfo = { ...(x.originInfo ?? {}), partial: details };
      });
      return this.rsp('SubmitRsp', tid, version, 1100, { messageId: m.id, details });
    }
    // §8.7.2: the MessageID of the accepted MM
    const messageId = deviates(this.core.config, 'mm7-no-message-id') ? undefined : m.id;
    return this.rsp('SubmitRsp', tid, version, 1000, messageId ? { messageId } : {});
  }

  /** 2007 Message format corrupt (status codes of Annex L), or the deviation's 4008. */
  private formatCorrupt(): number {
    return deviates(this.core.config, 'mm7-4008-for-2007') ? 4008 : 2007;
  }

  /** From of the MM: SenderIdentification/SenderAddress, else the VASP's first short code, else its VASPID. */
  private senderAddress(f: Mm7Fields, vasp: VaspConfig): string {
    const si = f.SenderIdentification;
    const sa =
      si && typeof si === 'object' && !Array.isArray(si) ? mm7Addresses(si.SenderAddress)[0] : undefined;
    const fromRequest = sa ? mmsAddressOf(sa) : undefined;
    if (fromRequest) return fromRequest;
    const code = vasp.shortCodes[0];
    return code ? `${code}/TYPE=PLMN` : vasp.vaspId;
  }

  /** A reason the content is refused (allowedContentTypes), or undefined. */
  private refusedContent(msg: Mm7Message): string | undefined {
    const allowed = this.core.config.allowedContentTypes;
    const ok = (t: string) =>
      allowed.some(
        (a) => a === '*' || a === '*/*' || a === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))),
      );
    const c = msg.content;
    if (!c) return undefined;
    const leaves = c.parts ? c.parts : [c];
    for (const p of leaves) {
      if (p.parts) return `nested multipart ${p.contentType} is not accepted`;
      if (!ok(p.contentType)) return `content type not accepted: ${p.contentType}`;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- CancelReq (§8.7.4), ReplaceReq (§8.7.5)

  /** The current message a VASP's MessageID names (following replacements), if it is that VASP's. */
  private vaspMessage(vaspId: string, id: string): StoredMessage | undefined {
    let m = this.core.store.get(id);
    for (let hops = 0; m?.originInfo?.replacedBy && hops < 100; hops++) {
      m = this.core.store.get(m.originInfo.replacedBy);
    }
    if (m?.origin !== 'mm7' || m.originInfo?.vaspId !== vaspId) return undefined;
    return m;
  }

  private async cancel(msg: Mm7Message, vasp: VaspConfig, version: Mm7VersionId): Promise<Reply> {
    const tid = msg.transactionId;
    const id = mm7Text(msg.fields.MessageID) ?? '';
    const m = this.vaspMessage(vasp.vaspId, id);
    if (deviates(this.core.config, 'mm7-cancel-always-ok')) {
      if (m) await this.core.cancel(m.id);
      return this.rsp('CancelRsp', tid, version, 1000);
    }
    // 2005 also for another VASP's message: its existence is not disclosed.
    if (!m) return this.rsp('CancelRsp', tid, version, 2005, { details: `no message ${id}` });
    if (m.state !== 'active' || !m.recipients.some((r) => isOpen(r.status))) {
      // Status table, 3001 Not Possible: the message is no longer available for cancel.
      return this.rsp('CancelRsp', tid, version, 3001, { details: `message ${id} is ${this.stateOf(m)}` });
    }
    await this.core.cancel(m.id);
    return this.rsp('CancelRsp', tid, version, 1000);
  }

  private async replace(msg: Mm7Message, vasp: VaspConfig, version: Mm7VersionId): Promise<Reply> {
    const tid = msg.transactionId;
    const f = msg.fields;
    const id = mm7Text(f.MessageID) ?? '';
    const m = this.vaspMessage(vasp.vaspId, id);
    if (!m) return this.rsp('ReplaceRsp', tid, version, 2005, { details: `no message ${id}` });
    // §8.7.5: only an MM not yet delivered can be replaced; once a recipient has it, 3001 Not Possible.
    if (m.state !== 'active' || !m.recipients.every((r) => isOpen(r.status))) {
      return this.rsp('ReplaceRsp', tid, version, 3001, { details: `message ${id} is ${this.stateOf(m)}` });
    }
    if (f.Content !== undefined && !msg.content)
      return this.rsp('ReplaceRsp', tid, version, 2007, {
        details: 'Content@href names no attachment of the request',
      });
    const refused = this.refusedContent(msg);
    if (refused) return this.rsp('ReplaceRsp', tid, version, 2004, { details: refused });
    const old = decodeMms(await this.core.store.readPdu(m.id));
    const now = Date.now();
    const readReply = mm7Text(f.ReadReply);
    const readReport = readReply === undefined ? m.readReport : isTrue(readReply);
    const deliverAt = mm7Time(mm7Text(f.EarliestDeliveryTime), now);
    const headers = old.headers.filter(
      (h) =>
        !['Content-Type', 'X-Mms-Read-Report', 'X-Mms-Replace-ID', 'X-Mms-Transaction-Id'].includes(h.name),
    );
    const ti = headers.findIndex((h) => h.name === 'X-Mms-Message-Type');
    headers.splice(ti + 1, 0, { name: 'X-Mms-Transaction-Id', value: tid });
    headers.push({ name: 'X-Mms-Read-Report', value: readReport ? 'Yes' : 'No' });
    // OMA-TS-MMS_ENC 1.3 §7.3 X-Mms-Replace-ID names the MM this one replaces (shown in m-retrieve-conf).
    headers.push({ name: 'X-Mms-Replace-ID', value: m.originInfo?.vaspMessageId ?? m.id });
    const pdu: MmsPdu = { type: 'm-send-req', headers };
    if (msg.content) {
      const body = mmsBodyOf(msg.content);
      pdu.headers.push({ name: 'Content-Type', value: body.contentType });
      pdu.parts = body.parts;
    } else {
      pdu.headers.push({ name: 'Content-Type', value: getHeader(old, 'Content-Type') as MmsValue });
      if (old.parts) pdu.parts = old.parts;
      if (old.body) pdu.body = old.body;
    }
    const bytes = encodeMms(pdu, { validate: false });
    if (bytes.length > this.core.config.maxMessageSize)
      return this.rsp('ReplaceRsp', tid, version, 2004, { details: 'message too large' });
    const vaspMessageId = m.originInfo?.vaspMessageId ?? m.id;
    let result: AcceptResult;
    try {
      result = await this.core.accept({
        origin: 'mm7',
        originInfo: { ...(m.originInfo ?? {}), version, vaspMessageId, replaces: m.id },
        sender: m.sender,
        transactionId: `${vasp.vaspId}:replace:${tid}`,
        mmsVersion: m.mmsVersion,
        pdu: bytes,
        recipients: m.recipients.map((r) => ({ address: r.address, field: r.field })),
        contentType: msg.content?.contentType ?? m.contentType,
        ...(m.subject !== undefined ? { subject: m.subject } : {}),
        ...(m.messageClass !== undefined ? { messageClass: m.messageClass } : {}),
        deliveryReport: m.deliveryReport,
        readReport,
        expiresAt: m.expiresAt,
        ...(deliverAt !== undefined
          ? { deliverAt }
          : m.deliverAt !== undefined
            ? { deliverAt: m.deliverAt }
            : {}),
      });
    } catch (e) {
      this.core.observer.event('MM7', 'store-failed', { message: (e as Error).message });
      return this.rsp('ReplaceRsp', tid, version, 3000, { details: 'the replacement could not be stored' });
    }
    if (!result.ok) return this.rsp('ReplaceRsp', tid, version, 3001, { details: result.text });
    // A repeat of a replacement already done (its answer forgotten by a restart): same answer.
    if (result.message.id === m.id || result.message.originInfo?.replaces !== m.id) {
      return this.rsp('ReplaceRsp', tid, version, 1000);
    }
    // The old MM stops (its notified-not-retrieved 1.3 clients get m-cancel-req); the VASP keeps
    // using the MessageID it knows: lookups follow `replacedBy`, reports carry `vaspMessageId`.
    await this.core.store.update(m.id, (x) => {
      x.originInfo = { ...(x.originInfo ?? {}), replacedBy: result.message.id };
    });
    await this.core.cancel(m.id);
    this.core.observer.event('MM7', 'replaced', { messageId: vaspMessageId, stored: result.message.id });
    return this.rsp('ReplaceRsp', tid, version, 1000);
  }

  private stateOf(m: StoredMessage): string {
    if (m.state !== 'active') return m.state;
    return `already delivered (${m.recipients.map((r) => r.status).join(', ')})`;
  }

  // ---------------------------------------------------------------- outbound: DeliverReq (§8.7.3)

  async deliver(d: OutboundDelivery): Promise<DeliveryOutcome> {
    const vasp = this.core.config.vasps.find((v) => v.vaspId === d.recipient.domain);
    if (!vasp) return { status: 'failed', reason: `no VASP ${d.recipient.domain} configured` };
    if (!vasp.callbackUrl) throw new GiveUp(`VASP ${vasp.vaspId} has no callbackUrl`);
    const version = this.vaspVersion.get(vasp.vaspId) ?? NEWEST;
    const pdu = decodeMms(await d.pdu());
    const m = d.message;
    const to = parseMmsAddress(d.recipient.address);
    const shortCode = to?.kind === 'plmn' ? to.digits : d.recipient.address;
    const fields: Mm7Fields = {
      MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
      MMSRelayServerID: this.core.config.domains[0],
    };
    if (version.startsWith('REL-6')) {
      fields.VASPID = vasp.vaspId;
      if (vasp.vasId) fields.VASID = vasp.vasId;
    }
    // LinkedID: the VASP may answer this MM by a SubmitReq carrying it (§8.7.3).
    fields.LinkedID = m.id;
    if (!deviates(this.core.config, 'mm7-deliver-no-sender'))
      fields.Sender = m.hideSender ? { ShortCode: ['anonymous'] } : mm7AddressOf(m.sender);
    fields.Recipients = { [d.recipient.field]: { ShortCode: [shortCode] } };
    fields.TimeStamp = xsDateTime(m.receivedAt);
    const priority = mmsText(getHeader(pdu, 'X-Mms-Priority'));
    if (priority && ['Normal', 'High', 'Low'].includes(priority)) fields.Priority = priority;
    const subject = mmsText(getHeader(pdu, 'Subject'));
    if (subject !== undefined) fields.Subject = subject;
    const content = mimeContentOf(pdu, `mm-${m.id}`);
    const req: Mm7Message = {
      type: 'DeliverReq',
      transactionId: newTransactionId('D'),
      version,
      fields,
      ...(content ? { content } : {}),
    };
    const outcome = await this.call(vasp, req);
    if (outcome.kind === 'ok') return { status: 'sent' };
    if (outcome.kind === 'retry') throw new RetryLater(outcome.reason);
    return { status: 'failed', reason: outcome.reason };
  }

  // ---------------------------------------------------------------- outbound: reports (§8.7.6, §8.7.7)

  async report(r: OriginReport): Promise<void> {
    const m = r.message;
    if (r.kind === 'read' && !m.readReport) return; // the VASP did not ask (ReadReply false)
    if (r.kind === 'delivery' && !m.deliveryReport) return;
    if (r.kind === 'delivery' && deviates(this.core.config, 'mm7-no-delivery-report')) return;
    if (r.kind === 'read' && deviates(this.core.config, 'mm7-read-reply-not-mapped')) return;
    const vaspId = m.originInfo?.vaspId;
    const vasp = this.core.config.vasps.find((v) => v.vaspId === vaspId);
    if (!vasp?.callbackUrl) throw new GiveUp(`VASP ${vaspId ?? '?'} has no callbackUrl for reports`);
    const version = (mm7Version(m.originInfo?.version ?? '')?.id ?? NEWEST) as Mm7VersionId;
    const rel6 = version.startsWith('REL-6');
    const fields: Mm7Fields = {
      MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
      MMSRelayServerID: this.core.config.domains[0],
      MessageID: m.originInfo?.vaspMessageId ?? m.id,
      Recipient: mm7AddressOf(r.recipient.address),
      Sender: mm7AddressOf(m.sender),
    };
    let type: Mm7MessageType;
    if (r.kind === 'delivery') {
      type = 'DeliveryReportReq';
      fields.Date = xsDateTime(r.date.getTime());
      const s = deliveryStatus(r.status, rel6);
      fields.MMStatus = s;
      if (s !== r.status) fields.StatusText = r.status;
    } else {
      type = 'ReadReplyReq';
      fields.TimeStamp = xsDateTime(r.date.getTime());
      fields.MMStatus = readStatus(r.status);
      if (fields.MMStatus !== r.status) fields.StatusText = r.status;
    }
    const outcome = await this.call(vasp, { type, transactionId: newTransactionId('R'), version, fields });
    if (outcome.kind === 'retry') throw new RetryLater(outcome.reason);
    if (outcome.kind === 'failed') throw new GiveUp(outcome.reason);
  }

  /**
   * Sends one request to the VASP and classifies its answer: 1xxx ok; 3xxx server errors,
   * 4006 Service unavailable, HTTP failures and undecodable answers retry (bounded by the
   * outbox); other codes are final.
   */
  private async call(
    vasp: VaspConfig,
    req: Mm7Message,
  ): Promise<{ kind: 'ok' } | { kind: 'retry' | 'failed'; reason: string }> {
    const url = vasp.callbackUrl ?? '';
    const { contentType, body } = encodeMm7(req, { version: req.version as Mm7VersionId });
    this.publish('out', req, body, 'vasp');
    let answer: Awaited<ReturnType<typeof mm7HttpPost>>;
    try {
      answer = await mm7HttpPost({
        url,
        contentType,
        body,
        agent: this.agent,
        timeoutMs: this.opts.requestTimeoutMs ?? 10_000,
        maxAnswer: 4 * 1024 * 1024,
        peer: 'VASP',
      });
    } catch (e) {
      return { kind: 'retry', reason: `${req.type} to ${vasp.vaspId}: ${(e as Error).message}` };
    }
    if (answer.body.length === 0) {
      return {
        kind: answer.status >= 500 || answer.status === 429 || answer.status === 401 ? 'retry' : 'failed',
        reason: `${req.type} to ${vasp.vaspId}: HTTP ${answer.status} without a body`,
      };
    }
    let rsp: Mm7Message;
    try {
      rsp = decodeMm7(answer.body, answer.contentType);
    } catch (e) {
      const line = isCodecError(e) ? e.toLine() : String(e);
      this.core.observer.event('MM7', 'mm7-undecodable', { error: line, size: answer.body.length });
      return { kind: 'retry', reason: `${req.type} to ${vasp.vaspId}: undecodable answer: ${line}` };
    }
    this.publish('in', rsp, answer.body, 'vasp');
    const st = rsp.fields.Status;
    const code = Number(
      st && typeof st === 'object' && !Array.isArray(st) ? mm7Text(st.StatusCode) : Number.NaN,
    );
    const cls = mm7StatusClass(code);
    const reason = `${req.type} to ${vasp.vaspId}: ${rsp.type} ${Number.isFinite(code) ? code : '(no status)'}`;
    if (cls === 'success' && !rsp.fault) return { kind: 'ok' };
    if (cls === 'server' || code === 4006 || cls === undefined) return { kind: 'retry', reason };
    return { kind: 'failed', reason };
  }

  // ---------------------------------------------------------------- responses

  private rsp(
    type: Mm7MessageType,
    tid: string,
    version: Mm7VersionId,
    code: number,
    extra: { messageId?: string; details?: string } = {},
  ): Reply {
    const status = mm7Status(code);
    if (extra.details) status.Details = cleanText(extra.details);
    const fields: Mm7Fields = { MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0', Status: status };
    if (extra.messageId && type === 'SubmitRsp') fields.MessageID = extra.messageId;
    return { httpStatus: 200, msg: { type, transactionId: tid, version, fields } };
  }

  /** RSErrorRsp in a SOAP Fault (§8.7.8; SOAP 1.1 §4.4, HTTP 500 per §6.2). */
  private rsError(tid: string, version: Mm7VersionId, code: number, details: string): Reply {
    const status = mm7Status(code);
    status.Details = cleanText(details);
    const server = mm7StatusClass(code) === 'server';
    return {
      httpStatus: 500,
      msg: {
        type: 'RSErrorRsp',
        transactionId: tid,
        version,
        fields: { MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0', Status: status },
        fault: { faultcode: server ? 'env:Server' : 'env:Client', faultstring: String(status.StatusText) },
      },
    };
  }

  /**
   * A SOAP 1.1 VersionMismatch fault (SOAP 1.1 §4.1.2, §4.4.1; HTTP 500, §6.2) in the SOAP 1.1
   * namespace; its detail carries an RSErrorRsp 4004 for MM7 clients that read only that.
   */
  private versionMismatch(tid: string, version: Mm7VersionId, details: string): Reply {
    const r = this.rsError(tid, version, 4004, details);
    const fault = { faultcode: 'env:VersionMismatch', faultstring: 'SOAP 1.1 envelope expected' };
    return { ...r, msg: { ...r.msg, fault } };
  }

  private send(res: http.ServerResponse, reply: Reply, peer?: string): void {
    const r = this.deviateReply(reply);
    // Validation off only for an RSErrorRsp echoing an empty TransactionID (the encoder refuses it).
    const validate = r.msg.transactionId.trim() !== '';
    const { contentType, body } = encodeMm7(r.msg, { version: r.msg.version as Mm7VersionId, validate });
    this.publish('out', r.msg, body, peer);
    res.writeHead(r.httpStatus, { 'content-type': contentType, 'content-length': body.length });
    res.end(body);
  }

  /** An answer with the answer deviations (src/mmsc/deviations.ts) committed; a copy, never the cached one. */
  private deviateReply(r: Reply): Reply {
    const { config } = this.core;
    let out = r;
    if (deviates(config, 'mm7-tid-not-echoed'))
      out = { ...out, msg: { ...out.msg, transactionId: newTransactionId('T') } };
    if (deviates(config, 'mm7-answer-newest-schema')) {
      const MM7Version = mm7Version(NEWEST)?.mm7Version ?? '6.8.0';
      out = { ...out, msg: { ...out.msg, version: NEWEST, fields: { ...out.msg.fields, MM7Version } } };
    }
    if (deviates(config, 'mm7-fault-as-200') && out.msg.fault) out = { ...out, httpStatus: 200 };
    return out;
  }

  private publish(direction: 'in' | 'out', msg: Mm7Message, raw: Uint8Array, peer?: string): void {
    const o = this.core.observer;
    if (!o.enabled) return;
    o.message('MM7', direction, msg.type, () => mm7ToJson(msg), { raw, ...(peer ? { peer } : {}) });
  }
}

/** X-Mms-Status → MM7 MMStatus (§8.7.6; Deferred and Unrecognised are Rel-6 values). */
function deliveryStatus(s: string, rel6: boolean): string {
  if (['Expired', 'Retrieved', 'Rejected', 'Forwarded'].includes(s)) return s;
  if (rel6 && (s === 'Deferred' || s === 'Unrecognised')) return s;
  return 'Indeterminate';
}

/** X-Mms-Read-Status → MM7 MMStatus of ReadReplyReq (§8.7.7: Read, Deleted, Indeterminate). */
function readStatus(s: string): string {
  if (s === 'Read') return 'Read';
  if (/^Deleted/i.test(s)) return 'Deleted';
  return 'Indeterminate';
}

function isTrue(v: string | undefined): boolean {
  return v === 'true' || v === '1';
}

/** Text XML 1.0 can carry (details quote decoder errors of arbitrary input). */
function cleanText(s: string): string {
  return s.replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd]/gu, '?').slice(0, 1000);
}

/** `offset N: FIELD: reason` of a wire issue (as CodecError.toLine). */
function issueLine(i: Mm7WireIssue): string {
  return `offset ${i.offset}: ${i.field}: ${i.reason}`;
}

/**
 * The mm7-any-namespace deviation's version: any namespace that ends in a schema id we know,
 * whatever its scheme, host, case or trailing slash and space (the lax match real MMSCs make).
 */
function looseVersionOf(msg: Mm7Message): Mm7VersionId | undefined {
  for (const ns of [msg.wire?.operationNs, msg.wire?.transactionIdNs]) {
    const m = /\/(REL-\d+-MM7-\d+-\d+)\/?$/i.exec((ns ?? '').trim());
    const row = m ? mm7Version(m[1].toUpperCase()) : undefined;
    if (row) return row.id;
  }
  return undefined;
}

/** Best effort TransactionID of an undecodable body (echoed in the RSErrorRsp). */
function sniffTid(body: Uint8Array): string {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 64 * 1024)).toString('latin1');
  const m = /<(?:[\w.-]+:)?TransactionID\b[^>]*>([^<]{1,200})</.exec(text);
  const t = m?.[1].trim();
  return t && /^[\x21-\x7e]+$/.test(t) ? t : 'unknown';
}

/** Best effort schema version of an undecodable body (we answer in it when we can). */
function sniffVersion(body: Uint8Array): Mm7VersionId {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 64 * 1024)).toString('latin1');
  const m = /REL-\d+-MM7-\d+-\d+/.exec(text);
  return (m && MM7_VERSIONS.find((v) => v.id === m[0])?.id) || NEWEST;
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}
