import http from 'node:http';
import { isCodecError } from '../../codec/codec-error.ts';
import {
  checkMm7Fields,
  checkMm7Wire,
  decodeMm7,
  encodeMm7,
  type Mm7Message,
  type Mm7VersionId,
  mm7StatusClass,
  mm7StatusEffective,
  mm7ToJson,
  mm7Version,
} from '../../codec/mm7/index.ts';
import { decodeMms } from '../../codec/mms/index.ts';
import { mm7HttpPost } from '../../net/mm7-http-post.ts';
import { readBody } from '../../wire/read-body.ts';
import { lookupLocalPort, tapHttpAgent } from '../../wire/tap.ts';
import type { VaspConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import { EAIF_PATH, EaifEndpoint, isEaifVasp } from '../eaif/eaif-endpoint.ts';
import { MmscHttpEndpoint } from '../http-endpoint.ts';
import type { MmscCore } from '../mmsc-core.ts';
import type { DeliveryOutcome, MmscEndpoint, MmscModule, OriginReport, OutboundDelivery } from '../module.ts';
import { GiveUp, RetryLater } from '../store/outbox.ts';
import { formatCorrupt } from './mm7-handler.ts';
import { MM7_HANDLERS } from './mm7-handlers.ts';
import { mm7Text } from './mm7-mms-mapping.ts';
import {
  issueLine,
  looseVersionOf,
  NEWEST,
  type Reply,
  rsError,
  rsp,
  sniffTid,
  sniffVersion,
  versionMismatch,
} from './mm7-reply.ts';
import { deliverReq } from './requests/deliver-req.ts';
import { reportReq } from './requests/report-req.ts';
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
 * The module checks the envelope, version, mandatory elements and the VASP's identity; each
 * request type is then a row of MM7_HANDLERS (mm7-handlers.ts, one file per request under
 * requests/), and the answers are built by mm7-reply.ts.
 * Outbound, through the durable outbox: DeliverReq for recipients routed to a VASP short code
 * (`deliver()`), DeliveryReportReq / ReadReplyReq to the VASP's callback URL when its
 * SubmitReq asked for them (`report()`).
 */

const PATH = '/mm7';
const RESPONSE_CACHE_LIMIT = 10_000;

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
  private eaifAgent: http.Agent = new http.Agent({ keepAlive: false });
  /** EAIF, the second VASP dialect, on the same listener (`POST /eaif`, src/mmsc/eaif). */
  private eaif!: EaifEndpoint;
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
    if (core.timeline) {
      this.eaifAgent = tapHttpAgent(new http.Agent({ keepAlive: false }), {
        timeline: core.timeline,
        node: config.node,
        role: 'mmsc',
        iface: 'EAIF',
        peerRole: 'vasp',
      });
    }
    this.eaif = new EaifEndpoint(core, () => this.eaifAgent, this.opts.requestTimeoutMs ?? 10_000);
    await this.http.start(core, config.ports.mm7, (req, res) => this.handle(req, res));
    return [
      { iface: 'MM7', url: `http://127.0.0.1:${this.port}${PATH}` },
      { iface: 'EAIF', url: `http://127.0.0.1:${this.port}${EAIF_PATH}` },
    ];
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    this.eaifAgent.destroy();
    await this.http.stop();
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://mmsc.invalid').pathname;
    if (path === EAIF_PATH) return this.eaif.handle(req, res);
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
        return this.send(res, versionMismatch(sniffTid(body), sniffVersion(body), e.toLine()), peer);
      // §8.7.6 / status table: 4004 Validation error — the SOAP or XML structure could not be parsed.
      return this.send(res, rsError(sniffTid(body), sniffVersion(body), 4004, e.toLine()), peer);
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
    if (issue.kind === 'soap-version') return versionMismatch(tid, version, issueLine(issue));
    if (issue.kind === 'unclosed-multipart') return rsError(tid, version, 2007, issueLine(issue));
    if (issue.kind === 'unsupported-version') return rsError(tid, NEWEST, 4002, issue.reason);
    return rsError(tid, version, 4004, issueLine(issue));
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
    if (!tid.trim()) return rsError(tid, version ?? NEWEST, 4004, 'empty TransactionID (TS 23.140 §8.7.1)');
    if (!version) {
      return rsError(tid, NEWEST, 4002, `schema ${msg.version || '(no namespace)'} is not supported`);
    }
    const row = MM7_HANDLERS[msg.type];
    if (!row) return rsError(tid, version, 4003, `${msg.type} is not a request a VASP sends`);
    const rspType = row.response;
    // Tolerant of elements we do not know; strict on mandatory elements and values (§8.7 tables).
    const issues = checkMm7Fields(msg.type, version, msg.fields).filter(
      (i) => !/not an element of|not defined in/.test(i.reason),
    );
    if (issues.length > 0) {
      const text = issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
      const missing = issues.some((i) => /^mandatory/.test(i.reason));
      if (deviates(this.core.config, 'mm7-1000-for-bad-request')) return rsp(rspType, tid, version, 1000);
      // 4004 Validation error: a mandatory element missing; 2007 Message format corrupt: a bad value.
      return rsError(tid, version, missing ? 4004 : formatCorrupt(this.core.config), text.slice(0, 500));
    }
    const si = msg.fields.SenderIdentification;
    const sio = si && typeof si === 'object' && !Array.isArray(si) ? si : {};
    const who = identifyVasp(auth, this.core.config.vasps, mm7Text(sio.VASPID), mm7Text(sio.VASID));
    if (!who.ok) {
      if (who.status === 401) return 'unauthorized';
      this.core.observer.event('MM7', 'mm7-identification-refused', { reason: who.reason });
      return rsp(rspType, tid, version, 4001, { details: who.reason });
    }
    const vasp = who.vasp;
    // Status table, 2007 Message format corrupt: Content@href (an element value) names no MIME part.
    // (Deviation mm7-href-cid-only: a reference by Content-Location, RFC 2557 §4.2, counts as none.)
    const cidOnly =
      deviates(this.core.config, 'mm7-href-cid-only') &&
      msg.wire?.href !== undefined &&
      !/^\s*cid:/i.test(msg.wire.href);
    if ((msg.wire?.hrefResolved === false || cidOnly) && !deviates(this.core.config, 'mm7-dangling-href')) {
      const issue = checkMm7Wire(msg).find((i) => i.kind === 'dangling-href');
      return rsp(rspType, tid, version, formatCorrupt(this.core.config), {
        details: issue ? issueLine(issue) : 'Content@href names no attachment of the request',
      });
    }
    this.vaspVersion.set(vasp.vaspId, version);
    if (row.repeat === 'store') return row.handle(this.core, msg, vasp, version);
    // Cancel/Replace: a repeated TransactionID from the same VASP gets the same answer.
    const key = `${vasp.vaspId}\u0000${msg.type}\u0000${tid}`;
    const done = this.answered.get(key);
    if (done) {
      this.core.observer.event('MM7', 'duplicate-transaction', { vaspId: vasp.vaspId, transactionId: tid });
      return done;
    }
    let p = this.running.get(key);
    if (!p) {
      p = row
        .handle(this.core, msg, vasp, version)
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

  // ---------------------------------------------------------------- outbound: DeliverReq (§8.7.2)

  async deliver(d: OutboundDelivery): Promise<DeliveryOutcome> {
    const vasp = this.core.config.vasps.find((v) => v.vaspId === d.recipient.domain);
    if (!vasp) return { status: 'failed', reason: `no VASP ${d.recipient.domain} configured` };
    if (isEaifVasp(vasp)) return this.eaif.deliver(vasp, d);
    if (!vasp.callbackUrl) throw new GiveUp(`VASP ${vasp.vaspId} has no callbackUrl`);
    // ICS mm7.deliverVersion as-vasp: the version the VASP last spoke (TS 23.140 leaves it to
    // provisioning). Deviation mm7-deliver-newest-schema: always the newest.
    const version = deviates(this.core.config, 'mm7-deliver-newest-schema')
      ? NEWEST
      : (this.vaspVersion.get(vasp.vaspId) ?? NEWEST);
    const pdu = decodeMms(await d.pdu());
    const req = deliverReq(this.core.config, vasp, version, d.message, d.recipient, pdu);
    req.transactionId = this.core.ids.newTransactionId('D');
    const outcome = await this.call(vasp, req);
    if (outcome.kind === 'ok') return { status: 'sent' };
    if (outcome.kind === 'retry') throw new RetryLater(outcome.reason);
    return { status: 'failed', reason: outcome.reason };
  }

  // ---------------------------------------------------------------- outbound: reports (§8.7.4, §8.7.5)

  async report(r: OriginReport): Promise<void> {
    const m = r.message;
    if (r.kind === 'read' && !m.readReport) return; // the VASP did not ask (ReadReply false)
    if (r.kind === 'delivery' && !m.deliveryReport) return;
    if (m.originInfo?.dialect === 'eaif') {
      const app = this.core.config.vasps.find((v) => v.vaspId === m.originInfo?.vaspId);
      if (!app) throw new GiveUp(`EAIF application ${m.originInfo?.vaspId ?? '?'} is not configured`);
      return this.eaif.report(app, r);
    }
    if (r.kind === 'delivery' && deviates(this.core.config, 'mm7-no-delivery-report')) return;
    if (r.kind === 'read' && deviates(this.core.config, 'mm7-read-reply-not-mapped')) return;
    const vaspId = m.originInfo?.vaspId;
    const vasp = this.core.config.vasps.find((v) => v.vaspId === vaspId);
    if (!vasp?.callbackUrl) throw new GiveUp(`VASP ${vaspId ?? '?'} has no callbackUrl for reports`);
    const version = (mm7Version(m.originInfo?.version ?? '')?.id ?? NEWEST) as Mm7VersionId;
    const req = reportReq(this.core.config, r, version, this.core.ids.newTransactionId('R'));
    const outcome = await this.call(vasp, req);
    if (outcome.kind === 'retry') throw new RetryLater(outcome.reason);
    if (outcome.kind === 'failed') throw new GiveUp(outcome.reason);
  }

  /**
   * Sends one request to the VASP and classifies its answer by the code it acts on
   * (mm7StatusEffective: a code no table row names is read as the x000 code of its class, one
   * outside the four classes as 3000; TS 23.140 §8.7 status codes): 1xxx ok; 3xxx server errors,
   * 4006 Service unavailable, HTTP failures, answers without a StatusCode and undecodable answers
   * retry (bounded by the outbox); other codes (2xxx, 4xxx) are final.
   */
  private async call(
    vasp: VaspConfig,
    req: Mm7Message,
  ): Promise<{ kind: 'ok' } | { kind: 'retry' | 'failed'; reason: string }> {
    const url = vasp.callbackUrl ?? '';
    // (unchecked only for the deviation that writes Rel-6 elements into a Rel-5 DeliverReq)
    const validate = !deviates(this.core.config, 'mm7-deliver-rel6-in-rel5');
    const { contentType, body } = encodeMm7(req, { version: req.version as Mm7VersionId, validate });
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
    const code = statusCodeOf(rsp);
    const reason = `${req.type} to ${vasp.vaspId}: ${rsp.type} ${Number.isFinite(code) ? code : '(no status)'}`;
    if (!Number.isFinite(code)) return { kind: 'retry', reason };
    let effective = mm7StatusEffective(code);
    // (Deviation mm7-unknown-success-retried: a 1xxx code the table lacks counts as a server error.)
    if (effective === 1000 && code !== 1000 && deviates(this.core.config, 'mm7-unknown-success-retried'))
      effective = 3000;
    const cls = mm7StatusClass(effective);
    if (cls === 'success' && !rsp.fault) return { kind: 'ok' };
    if (cls === 'server' || effective === 4006) return { kind: 'retry', reason };
    return { kind: 'failed', reason };
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
      out = { ...out, msg: { ...out.msg, transactionId: this.core.ids.newTransactionId('T') } };
    if (deviates(config, 'mm7-refusal-newest-schema') && !isSuccess(out.msg)) {
      const MM7Version = mm7Version(NEWEST)?.mm7Version ?? '6.8.0';
      out = { ...out, msg: { ...out.msg, version: NEWEST, fields: { ...out.msg.fields, MM7Version } } };
    }
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

/** Whether an answer reports success (a 1xxx StatusCode, TS 23.140 §8.7 status codes). */
function isSuccess(msg: Mm7Message): boolean {
  return mm7StatusClass(statusCodeOf(msg)) === 'success' && !msg.fault;
}

/** The Status/StatusCode of an MM7 answer as a number; NaN when it has none. */
function statusCodeOf(msg: Mm7Message): number {
  const st = msg.fields.Status;
  return Number(st && typeof st === 'object' && !Array.isArray(st) ? mm7Text(st.StatusCode) : Number.NaN);
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}
