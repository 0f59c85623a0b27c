import * as http from 'node:http';
import { DecodeError } from '../../src/codec/codec-error.ts';
import { type MimeEntity, parseParams } from '../../src/codec/mime/index.ts';
import type { Mm7Fields, Mm7Message, Mm7MessageType, Mm7VersionId } from '../../src/codec/mm7/index.ts';
import {
  checkMm7Wire,
  decodeMm7,
  encodeMm7,
  type Mm7WireIssue,
  mm7Address,
  mm7Status,
  mm7StatusEffective,
  mm7StatusText,
  mm7ToJson,
  mm7Version,
  peekSoapFault,
} from '../../src/codec/mm7/index.ts';
import { checkMm7Fields } from '../../src/codec/mm7/mm7-value-check.ts';
import { type Mm7HttpAnswer, mm7HttpPost } from '../../src/net/mm7-http-post.ts';
import { type Clock, SYSTEM_CLOCK, seededStream } from '../../src/util/case-clock.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';
import { bytesFromJson, isBytesJson } from '../../src/util/json.ts';
import { readBody } from '../../src/wire/read-body.ts';
import { BehaviourStack } from '../behaviour-stack.ts';
import {
  type BehaviourSpec,
  bindActions,
  type PeerAction,
  PeerConfigError,
  type PeerEndpoint,
} from '../peer.ts';
import { configureTargetAction } from '../peer-actions.ts';
import { PeerShell } from '../peer-shell.ts';
import { parseTamper, tamperMm7 } from './mm7-tamper.ts';
import { VASP_ACTIONS } from './vasp-actions.ts';
import type { VaspBehaviour } from './vasp-behaviour.ts';
import { parseVaspBehaviour } from './vasp-behaviour.ts';

/**
 * A VASP on MM7 (3GPP TS 23.140 §8.7): a SOAP client for SubmitReq / CancelReq / ReplaceReq
 * towards the target MMSC's MM7 URL (HTTP Basic auth, VASPID/VASID in SenderIdentification),
 * and a SOAP server (node:http) for what the relay sends it: DeliverReq, DeliveryReportReq,
 * ReadReplyReq, each answered with its Rsp.
 *
 * Bad input to the server: HTTP problems get HTTP 4xx (404 path, 405 method, 401 auth, 413
 * size, 415 content type); a body that is not an MM7 request, or breaks the element tables of
 * §8.7, gets a SOAP 1.1 Fault (HTTP 500, SOAP 1.1 §6.2) carrying a VASPErrorRsp (§8.7.6) with
 * 4004 Validation error / 4003 Unsupported operation / 2007 Message format corrupt.
 */

export interface VaspConfig {
  name?: string;
  port?: number;
  /** Path the MM7 server answers on (default `/mm7`). */
  path?: string;
  /** The target MMSC's MM7 URL, `http://127.0.0.1:8080/mm7`. */
  target?: string;
  /** HTTP Basic credentials towards the target. */
  user?: string;
  pass?: string;
  vaspId?: string;
  vasId?: string;
  /** SenderAddress in SenderIdentification (default: the first of shortCodes). */
  senderAddress?: string;
  /** Short codes this VASP serves (the MMSC routes MO messages to them over MM7). */
  shortCodes?: string[];
  /** Schema version of what we send (default REL-6-MM7-1-4). */
  version?: Mm7VersionId;
  /** Require HTTP Basic auth on the server side with these users. */
  serverUsers?: Record<string, string>;
  /**
   * Refuse requests that break the §8.7 element tables (mandatory element missing, bad value)
   * with 4004 (default true). With false they are answered normally and an `mm7-invalid`
   * event records the issues (some deployed MMSCs omit e.g. DeliverReq/Sender).
   */
  strict?: boolean;
  /** Maximum request body accepted by the server (default 16 MiB). */
  maxBody?: number;
}

export interface Mm7Received {
  type: Mm7MessageType;
  message: Mm7Message;
  raw: Uint8Array;
  contentType: string;
}

const SERVED: Partial<Record<Mm7MessageType, Mm7MessageType>> = {
  DeliverReq: 'DeliverRsp',
  DeliveryReportReq: 'DeliveryReportRsp',
  ReadReplyReq: 'ReadReplyRsp',
};

const DEFAULT_VERSION: Mm7VersionId = 'REL-6-MM7-1-4';

/** The rule each MM7 wire issue breaks (the `clause` of its encoding-defect event). */
const WIRE_CLAUSE: Record<Mm7WireIssue['kind'], string> = {
  'soap-version': '3GPP TS 23.140 8.7.1 (SOAP 1.1 binding); SOAP 1.1 4.1.2',
  'unclosed-multipart': '3GPP TS 23.140 8.7 (SOAP with attachments); RFC 2046 5.1.1 close-delimiter',
  'not-mm7-namespace': '3GPP TS 23.140 Annex L (schema namespace); Namespaces in XML 1.0 2.3',
  'unsupported-version': '3GPP TS 23.140 Annex L (schema versions)',
  'dangling-href': '3GPP TS 23.140 8.7 (SOAP with attachments); RFC 2392 cid: URL',
};

export class Vasp extends PeerShell {
  readonly role = 'vasp' as const;
  readonly name: string;
  readonly actions: Readonly<Record<string, PeerAction>>;
  protected readonly iface = 'MM7' as const;
  private agent?: http.Agent;
  private readonly behaviours = new BehaviourStack<VaspBehaviour>();
  private target?: string;
  private readonly received: Mm7Received[] = [];
  private counter = 0;
  /** Tells this peer's TransactionIDs from an earlier run's: its creation time, or a draw of the case's seed. */
  private readonly runTag: string;
  /** The clock of the TimeStamps it writes (the case's in a seeded run). */
  private readonly clock: Clock;

  constructor(
    private readonly config: VaspConfig = {},
    deps: { clock?: Clock; seed?: number } = {},
  ) {
    super();
    this.name = config.name ?? 'vasp';
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.runTag =
      deps.seed === undefined
        ? Date.now().toString(36)
        : Math.floor(seededStream(deps.seed, this.name)() * 36 ** 8).toString(36);
    this.target = config.target;
    this.actions = bindActions(this.name, VASP_ACTIONS, {
      submit: (p) => this.submitAction(p),
      cancel: (p) => this.cancelAction(p),
      replace: (p) => this.replaceAction(p),
      post: (p) => this.postAction(p),
      received: async (p) => this.receivedAction(p),
      configure: configureTargetAction(this.name, 'MM7 URL', (url) => this.setTarget(url)),
    });
  }

  setTarget(url: string): void {
    this.target = url;
  }

  get version(): Mm7VersionId {
    return this.config.version ?? DEFAULT_VERSION;
  }

  protected async open(): Promise<PeerEndpoint[]> {
    this.agent = this.tappedAgent(
      new http.Agent({ keepAlive: false }),
      this.tapOptions('MM7', { peerNode: 'mmsc', peerRole: 'mmsc' }),
    );
    const port = await this.serveHttp(
      this.guardedHandler((req, res) => this.handle(req, res)),
      { port: this.config.port, host: '127.0.0.1' },
    );
    return [
      {
        peer: this.name,
        protocol: 'http',
        url: `http://127.0.0.1:${port}${this.path}`,
        note: '(MM7 VASP: DeliverReq, reports)',
      },
    ];
  }

  private get path(): string {
    return this.config.path ?? '/mm7';
  }

  use(b: BehaviourSpec): void {
    this.behaviours.push(parseVaspBehaviour(this.name, b));
  }

  resetBehaviours(): void {
    this.behaviours.clear();
  }

  inbox(): readonly Mm7Received[] {
    return this.received;
  }

  private behaviour<K extends VaspBehaviour['kind']>(
    kind: K,
  ): Extract<VaspBehaviour, { kind: K }> | undefined {
    return this.behaviours.find(kind);
  }

  // ---- server side -------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.path) return this.httpError(res, 404, `no MM7 endpoint at ${path}`);
    if (req.method !== 'POST')
      return this.httpError(res, 405, 'MM7 uses POST (TS 23.140 §8.7.1)', { Allow: 'POST' });
    if (this.config.serverUsers && !basicAuthOk(req.headers.authorization, this.config.serverUsers)) {
      return this.httpError(res, 401, 'authentication required', {
        'WWW-Authenticate': 'Basic realm="mmscert-vasp"',
      });
    }
    const contentType = String(req.headers['content-type'] ?? '');
    if (!/^\s*(text\/xml|application\/soap\+xml|multipart\/related)/i.test(contentType)) {
      req.resume();
      return this.httpError(res, 415, 'MM7 bodies are text/xml or multipart/related (TS 23.140 §8.7.1)');
    }
    const max = this.config.maxBody ?? 16 * 1024 * 1024;
    const body = await readBody(req, max);
    if (body === 'too-large') return this.httpError(res, 413, `body larger than ${max} bytes`);

    const slow = this.behaviour('slow');
    if (slow) {
      this.event('behaviour-applied', { behaviour: 'slow', ms: slow.ms });
      await delay(slow.ms);
    }

    let msg: Mm7Message;
    try {
      msg = decodeMm7(body, contentType);
    } catch (e) {
      const line = e instanceof DecodeError ? e.toLine() : String(e);
      this.event('mm7-undecodable', { error: line, contentType, size: body.byteLength });
      return this.fault(
        res,
        transactionIdOf(body),
        this.version,
        2007,
        `Message format corrupt: ${line}`,
        'Client',
      );
    }
    this.received.push({ type: msg.type, message: msg, raw: body, contentType });
    this.publish('in', msg, body);

    const rspType = SERVED[msg.type];
    if (!rspType) {
      return this.fault(
        res,
        msg.transactionId,
        this.replyVersion(msg),
        4003,
        `${msg.type} is not served by a VASP`,
        'Client',
      );
    }
    const version = this.replyVersion(msg);
    // What the decoder read past and MM7 refuses (the checks the reference MMSC applies to what a
    // VASP sends it): each is a defect of the target on the wire, and refused as MM7 says.
    // (`strict: false`: recorded, then answered normally.)
    const wire = checkMm7Wire(msg);
    this.publishWireDefects(msg, wire);
    const refusal = this.strict ? wire.find((i) => i.kind !== 'dangling-href') : undefined;
    if (refusal) return this.refuseWire(res, msg, version, refusal);
    const issues = checkMm7Fields(msg.type, version, msg.fields).filter(
      (i) => !/not an element of|not defined in/.test(i.reason), // tolerant on input: extra elements pass
    );
    if (issues.length > 0) {
      const text = issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
      this.event('mm7-invalid', { type: msg.type, issues: text });
      if (this.config.strict !== false)
        return this.fault(
          res,
          msg.transactionId,
          version,
          4004,
          `Validation error: ${text}`.slice(0, 500),
          'Client',
        );
    }

    const httpStatus = this.behaviour('http-status');
    if (httpStatus) {
      this.event('behaviour-applied', { behaviour: 'http-status', code: httpStatus.code });
      res.writeHead(httpStatus.code, { 'Content-Length': 0 });
      res.end();
      return;
    }
    const fault = this.behaviour('soap-fault');
    if (fault) {
      this.event('behaviour-applied', { behaviour: 'soap-fault', statusCode: fault.statusCode });
      return this.fault(res, msg.transactionId, version, fault.statusCode, undefined, 'Server');
    }
    const err = this.behaviour('error');
    if (err) this.event('behaviour-applied', { behaviour: 'error', statusCode: err.statusCode });
    const given = err ? undefined : this.behaviour('status');
    if (given) this.event('behaviour-applied', { behaviour: 'status', statusCode: given.statusCode });
    // Status table, 2007 Message format corrupt: a Content@href (an element value) that names no
    // MIME part is answered in the operation's own response, as the reference MMSC does.
    const dangling = this.strict ? wire.find((i) => i.kind === 'dangling-href') : undefined;
    const status = mm7Status(dangling ? 2007 : (err?.statusCode ?? 1000));
    if (dangling) status.Details = dangling.reason;
    else if (given) {
      // the code as written; the text of its class's x000 code when no table row names it
      status.StatusCode = given.statusCode;
      status.StatusText = mm7StatusText(mm7StatusEffective(Number(given.statusCode))) ?? 'Unknown';
    }
    const rsp: Mm7Message = {
      type: rspType,
      transactionId: msg.transactionId,
      version,
      fields: {
        MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
        Status: status,
      },
    };
    // a code of other than four digits breaks the status table's form: written unchecked
    this.reply(res, 200, rsp, given === undefined || /^\d{4}$/.test(given.statusCode));
  }

  private get strict(): boolean {
    return this.config.strict !== false;
  }

  /**
   * One `encoding-defect` event per wire issue (src/harness/findings.ts turns each into a failure
   * of the MM7 requirement it breaks, whatever the case's own steps judge).
   */
  private publishWireDefects(msg: Mm7Message, issues: readonly Mm7WireIssue[]): void {
    for (const i of issues) {
      this.event('encoding-defect', {
        messageType: msg.type,
        field: i.field,
        offset: i.offset,
        reason: i.reason,
        clause: WIRE_CLAUSE[i.kind],
        kind: i.kind,
        line: `${i.field} @${i.offset}: ${i.reason}`,
      });
    }
  }

  /**
   * The answer to a request MM7 refuses on the wire (as the reference MMSC answers a VASP):
   * - another SOAP Envelope namespace: a SOAP 1.1 VersionMismatch Fault (SOAP 1.1 §4.1.2, §4.4.1;
   *   MM7 binds to SOAP 1.1, TS 23.140 §8.7.1);
   * - a multipart without its close-delimiter: 2007 Message format corrupt (RFC 2046 §5.1.1);
   * - a namespace that is no MM7 schema's: 4004 Validation error; an MM7 schema we lack: 4002.
   */
  private refuseWire(
    res: http.ServerResponse,
    msg: Mm7Message,
    version: Mm7VersionId,
    issue: Mm7WireIssue,
  ): void {
    const details = `${issue.field}: ${issue.reason}`;
    this.event('mm7-refused', { kind: issue.kind, error: details });
    if (issue.kind === 'soap-version') {
      this.fault(res, msg.transactionId, version, 4004, details, 'VersionMismatch');
      return;
    }
    const code =
      issue.kind === 'unclosed-multipart' ? 2007 : issue.kind === 'unsupported-version' ? 4002 : 4004;
    this.fault(res, msg.transactionId, version, code, details, 'Client');
  }

  /** The version we answer in: the request's when we support it, else ours (tolerant input). */
  private replyVersion(msg: Mm7Message): Mm7VersionId {
    return mm7Version(msg.version)?.id ?? this.version;
  }

  private reply(res: http.ServerResponse, status: number, msg: Mm7Message, check = true): void {
    let out = msg;
    let version = msg.version as Mm7VersionId;
    let validate = check;
    const wrong = this.behaviour('wrong-version');
    if (wrong) {
      this.event('behaviour-applied', { behaviour: 'wrong-version', version: wrong.version });
      const row = mm7Version(wrong.version);
      if (row) {
        version = row.id;
        out = { ...msg, version: row.id, fields: { ...msg.fields, MM7Version: row.mm7Version } };
      } else {
        out = { ...msg, fields: { ...msg.fields, MM7Version: wrong.version } };
        validate = false;
      }
    }
    const { contentType, body } = encodeMm7(out, { version, validate });
    this.publish('out', out, body);
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.byteLength });
    res.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }

  /** A SOAP Fault whose detail is a VASPErrorRsp (TS 23.140 §8.7.6; SOAP 1.1 §4.4, HTTP 500 per §6.2). */
  private fault(
    res: http.ServerResponse,
    transactionId: string,
    version: Mm7VersionId,
    statusCode: number,
    details: string | undefined,
    who: 'Client' | 'Server' | 'VersionMismatch',
  ): void {
    const status = mm7Status(statusCode);
    if (details !== undefined)
      status.Details = details.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?');
    const msg: Mm7Message = {
      type: 'VASPErrorRsp',
      transactionId,
      version,
      fields: { MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0', Status: status },
      fault: {
        faultcode: `env:${who}`,
        faultstring: who === 'VersionMismatch' ? 'SOAP 1.1 envelope expected' : String(status.StatusText),
      },
    };
    this.reply(res, 500, msg);
  }

  private httpError(
    res: http.ServerResponse,
    code: number,
    text: string,
    headers: http.OutgoingHttpHeaders = {},
  ): void {
    this.event('mm7-http-error', { code, reason: text });
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', ...headers });
    res.end(`${code} ${text}\n`);
  }

  // ---- client side -------------------------------------------------------------------------

  private senderIdentification(p: JsonObject): Mm7Fields {
    const out: Mm7Fields = {};
    // VASP1 is also the harness's default when it registers this VASP with the reference MMSC.
    const vaspId = str(p.vaspId) ?? this.config.vaspId ?? 'VASP1';
    const vasId = str(p.vasId) ?? this.config.vasId ?? 'mmscert-service';
    out.VASPID = vaspId;
    out.VASID = vasId;
    const sender = str(p.from) ?? this.config.senderAddress ?? this.config.shortCodes?.[0];
    if (sender !== undefined) out.SenderAddress = mm7Address(sender);
    return out;
  }

  private async submitAction(p: JsonObject): Promise<Json> {
    const to = list(p.to);
    const cc = list(p.cc);
    const bcc = list(p.bcc);
    if (to.length + cc.length + bcc.length === 0)
      throw new PeerConfigError(this.name, 'submit: to (or cc/bcc) required');
    const version = this.versionOf(p);
    const recipients: Mm7Fields = {};
    if (to.length) recipients.To = mm7Address(...to);
    if (cc.length) recipients.Cc = mm7Address(...cc);
    if (bcc.length) recipients.Bcc = mm7Address(...bcc);
    const fields: Mm7Fields = {
      MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
      SenderIdentification: this.senderIdentification(p),
      Recipients: recipients,
    };
    const optional: [string, Json | undefined][] = [
      ['ServiceCode', p.serviceCode],
      ['LinkedID', p.linkedId],
      ['MessageClass', p.messageClass],
      ['TimeStamp', p.timeStamp ?? new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z')],
      ['ExpiryDate', p.expiryDate],
      ['DeliveryReport', p.deliveryReport],
      ['ReadReply', p.readReply],
      ['Priority', p.priority],
      ['Subject', p.subject],
      ['EarliestDeliveryTime', p.earliestDeliveryTime],
      ['ChargedParty', p.chargedParty],
      ['ChargedPartyID', p.chargedPartyId],
      ['DistributionIndicator', p.distributionIndicator],
      ['ContentClass', p.contentClass],
      ['DRMContent', p.drmContent],
    ];
    for (const [k, v] of optional) if (v !== undefined && v !== null) fields[k] = String(v);
    return this.request('SubmitReq', version, fields, contentOf(this.name, p, this.nextId('part')), p);
  }

  private async cancelAction(p: JsonObject): Promise<Json> {
    const messageId = str(p.messageId);
    if (!messageId) throw new PeerConfigError(this.name, 'cancel: messageId required');
    const version = this.versionOf(p);
    const fields: Mm7Fields = {
      MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
      SenderIdentification: this.senderIdentification(p),
      MessageID: messageId,
    };
    return this.request('CancelReq', version, fields, undefined, p);
  }

  private async replaceAction(p: JsonObject): Promise<Json> {
    const messageId = str(p.messageId);
    if (!messageId) throw new PeerConfigError(this.name, 'replace: messageId required');
    const version = this.versionOf(p);
    const fields: Mm7Fields = {
      MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
      SenderIdentification: this.senderIdentification(p),
      MessageID: messageId,
    };
    if (p.serviceCode !== undefined) fields.ServiceCode = String(p.serviceCode);
    fields.TimeStamp = new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    if (p.readReply !== undefined) fields.ReadReply = String(p.readReply);
    return this.request('ReplaceReq', version, fields, contentOf(this.name, p, this.nextId('part')), p);
  }

  private versionOf(p: JsonObject): Mm7VersionId {
    const v = str(p.version);
    if (v === undefined) return this.version;
    const row = mm7Version(v);
    if (!row) throw new PeerConfigError(this.name, `unknown MM7 schema version ${v}`);
    return row.id;
  }

  private async request(
    type: Mm7MessageType,
    version: Mm7VersionId,
    fields: Mm7Fields,
    content: MimeEntity | undefined,
    p: JsonObject,
  ): Promise<Json> {
    if (!this.target) throw new PeerConfigError(this.name, `${type}: no target MM7 URL (configure {target})`);
    const ref = str(p.contentRef) ?? 'cid';
    if (ref !== 'cid' && ref !== 'location')
      throw new PeerConfigError(this.name, `contentRef ${ref}: cid or location`);
    if (content && ref === 'location') {
      // SOAP Messages with Attachments (W3C Note 2000-12-11): a reference resolves against a
      // part's Content-ID or its Content-Location; here the attachment carries only the latter.
      content.contentLocation = `${content.contentId ?? this.nextId('part')}.mm`;
      delete content.contentId;
      fields.Content = { '@href': content.contentLocation };
    } else if (content?.contentId !== undefined) fields.Content = { '@href': `cid:${content.contentId}` };
    const transactionId = str(p.transactionId) ?? this.nextId('tx');
    const msg: Mm7Message = { type, transactionId, version, fields, ...(content ? { content } : {}) };
    const { contentType, body } = encodeMm7(msg, { version });
    const tamper = parseTamper(this.name, p.tamper);
    let wire = body;
    if (tamper) {
      const ns = mm7Version(version)?.namespace ?? '';
      wire = tamperMm7(this.name, body, contentType, ns, tamper);
      this.event('mm7-tampered', { type, transactionId, tamper: { ...tamper } });
    }
    // The observation is what actually went out, as a tolerant decoder reads it back (so a case's
    // precondition checks the octets, not our model of them); the model only if it cannot.
    let sent = msg;
    try {
      sent = decodeMm7(wire, contentType);
    } catch {
      // undecodable even tolerantly: the observation shows the request before the bend
    }
    this.publish('out', sent, wire);
    return this.exchange(type, transactionId, contentType, wire, p);
  }

  /**
   * `post {body, contentType?, user?, pass?, auth?}`: exactly these bytes to the target's MM7 URL
   * (malformed XML, a foreign namespace, a request without TransactionID...), answered like any
   * request. `body` is text or `{$base64}`; the content type defaults to text/xml.
   */
  private async postAction(p: JsonObject): Promise<Json> {
    if (!this.target) throw new PeerConfigError(this.name, 'post: no target MM7 URL (configure {target})');
    const b = p.body;
    const body = isBytesJson(b)
      ? bytesFromJson(b)
      : typeof b === 'string'
        ? new TextEncoder().encode(b)
        : undefined;
    if (!body) throw new PeerConfigError(this.name, 'post: body (text or {$base64}) required');
    const contentType = str(p.contentType) ?? 'text/xml; charset=utf-8';
    const transactionId = transactionIdOf(body);
    this.event('mm7-raw-post', {
      contentType,
      size: body.byteLength,
      text: Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 4096)).toString('utf8'),
    });
    return this.exchange('raw', transactionId, contentType, body, p);
  }

  /** POSTs one body and turns the answer into the action result (and timeline observations). */
  private async exchange(
    type: Mm7MessageType | 'raw',
    transactionId: string,
    contentType: string,
    body: Uint8Array,
    p: JsonObject,
  ): Promise<Json> {
    const target = this.target ?? '';
    const withAuth = p.auth !== false;
    let answer: Mm7HttpAnswer;
    try {
      answer = await mm7HttpPost({
        url: target,
        contentType,
        body,
        ...(withAuth ? { user: str(p.user) ?? this.config.user, pass: str(p.pass) ?? this.config.pass } : {}),
        agent: this.agent,
      });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.event('mm7-request-failed', { type, transactionId, error });
      return { ok: false, transactionId, httpStatus: 0, error };
    }
    // Every answer on the timeline (mm7-answer): its HTTP status (a 401, RFC 7235, or a bare 5xx
    // has no MM7 body), the SOAP Fault it carries also without an MM7 error response in it (a
    // VersionMismatch fault, SOAP 1.1 §4.4.1), the MM7 StatusCode, and `answer`, all in one line:
    // `HTTP 500 RSErrorRsp 4004 fault env:Client`.
    const out: JsonObject = { transactionId, httpStatus: answer.status };
    if (answer.wwwAuthenticate !== undefined) out.wwwAuthenticate = answer.wwwAuthenticate;
    const soapFault = answer.body.byteLength > 0 ? peekSoapFault(answer.body, answer.contentType) : undefined;
    const answered = (extra: JsonObject) =>
      this.event('mm7-answer', {
        type,
        transactionId,
        httpStatus: answer.status,
        contentType: answer.contentType,
        ...(answer.wwwAuthenticate !== undefined ? { wwwAuthenticate: answer.wwwAuthenticate } : {}),
        ...(soapFault ? { soapFault: { ...soapFault } } : {}),
        ...extra,
      });
    const line = (rspPart: string) =>
      [`HTTP ${answer.status}`, rspPart, soapFault ? `fault ${soapFault.faultcode}` : '']
        .filter(Boolean)
        .join(' ');
    if (answer.body.byteLength === 0) {
      answered({ ok: false, answer: line('') });
      this.event('mm7-empty-answer', { type, transactionId, httpStatus: answer.status });
      return { ...out, ok: false, error: `HTTP ${answer.status} without a body` };
    }
    let rsp: Mm7Message;
    try {
      rsp = decodeMm7(answer.body, answer.contentType);
    } catch (e) {
      const error = e instanceof DecodeError ? e.toLine() : String(e);
      answered({ ok: false, answer: line('') });
      this.event('mm7-undecodable', { error, httpStatus: answer.status, size: answer.body.byteLength });
      return { ...out, ok: false, error, ...(soapFault ? { fault: { ...soapFault } } : {}) };
    }
    const status = rsp.fields.Status as Mm7Fields | undefined;
    const code = Number(status?.StatusCode ?? Number.NaN);
    const ok = code >= 1000 && code < 2000 && !rsp.fault;
    answered({
      ok,
      ...(Number.isFinite(code) ? { statusCode: code } : {}),
      answer: line(`${rsp.type} ${Number.isFinite(code) ? code : '(no status)'}`),
    });
    this.publish('in', rsp, answer.body);
    Object.assign(out, {
      ok,
      type: rsp.type,
      statusCode: Number.isFinite(code) ? code : null,
      statusText: typeof status?.StatusText === 'string' ? status.StatusText : null,
      messageId: typeof rsp.fields.MessageID === 'string' ? rsp.fields.MessageID : null,
      transactionIdEcho: rsp.transactionId,
      version: rsp.version,
      ...(rsp.fault ? { fault: { faultcode: rsp.fault.faultcode, faultstring: rsp.fault.faultstring } } : {}),
    });
    return out;
  }

  private receivedAction(p: JsonObject): Json {
    const type = str(p.type);
    const out = this.received
      .filter((r) => type === undefined || r.type === type)
      .map((r) => ({
        type: r.type,
        transactionId: r.message.transactionId,
        version: r.message.version,
        fields: mm7ToJson(r.message),
      }));
    if (p.clear === true) this.received.length = 0;
    return { count: out.length, messages: out };
  }

  private publish(direction: 'in' | 'out', msg: Mm7Message, raw: Uint8Array): void {
    this.timeline?.publish({
      kind: 'message',
      type: msg.type,
      node: this.name,
      role: this.role,
      iface: 'MM7',
      direction,
      peer: 'mmsc',
      fields: mm7ToJson(msg),
      raw,
    });
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.runTag}-${this.counter}`;
  }
}

/** The MM content of a submit/replace: `text` and/or `parts`; several parts travel as multipart/related. */
function contentOf(peer: string, p: JsonObject, cidBase: string): MimeEntity | undefined {
  const leaves: MimeEntity[] = [];
  if (typeof p.text === 'string') {
    leaves.push(
      leaf('text/plain', { charset: 'utf-8' }, new TextEncoder().encode(p.text), `${cidBase}-text`),
    );
  }
  if (Array.isArray(p.parts)) {
    p.parts.forEach((x, i) => {
      if (typeof x !== 'object' || x === null || Array.isArray(x))
        throw new PeerConfigError(peer, `parts[${i}] not an object`);
      const ct = str(x.contentType);
      const c = x.content;
      const size = typeof x.size === 'number' && Number.isInteger(x.size) && x.size >= 0 ? x.size : undefined;
      // `size`: that many filler octets (oversize cases without megabytes in the suite file).
      const body = isBytesJson(c)
        ? bytesFromJson(c)
        : typeof c === 'string'
          ? new TextEncoder().encode(c)
          : size !== undefined && size <= 64 * 1024 * 1024
            ? new Uint8Array(size).fill(0x41)
            : undefined;
      if (!ct || !body)
        throw new PeerConfigError(peer, `parts[${i}] needs contentType and content (or size)`);
      const { value: type, params } = parseParams(ct);
      const e = leaf(type.trim().toLowerCase(), params, body, str(x.contentId) ?? `${cidBase}-${i}`);
      const filename = str(x.filename);
      if (filename !== undefined) e.contentLocation = filename;
      leaves.push(e);
    });
  }
  if (leaves.length === 0) return undefined;
  if (leaves.length === 1) return leaves[0];
  const smil = leaves.find((l) => l.contentType === 'application/smil');
  const params: Record<string, string> = {};
  if (smil) {
    params.type = 'application/smil';
    params.start = `<${smil.contentId}>`;
  }
  return {
    headers: [],
    contentType: smil ? 'multipart/related' : 'multipart/mixed',
    params,
    contentId: `${cidBase}-mm`,
    body: new Uint8Array(0),
    parts: leaves,
  };
}

function leaf(
  contentType: string,
  params: Record<string, string>,
  body: Uint8Array,
  contentId: string,
): MimeEntity {
  return { headers: [], contentType, params, contentId, body };
}

function basicAuthOk(header: string | undefined, users: Record<string, string>): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  return Object.hasOwn(users, user) && users[user] === decoded.slice(colon + 1);
}

/** Best effort: the TransactionID of a body we could not decode, for the fault's SOAP header. */
function transactionIdOf(body: Uint8Array): string {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 64 * 1024)).toString(
    'latin1',
  );
  const m = /<(?:[\w-]+:)?TransactionID\b[^>]*>([^<]{1,200})</.exec(text);
  return m ? m[1].trim() : 'unknown';
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: Json | undefined): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
