import * as http from 'node:http';
import { isCodecError } from '../../src/codec/codec-error.ts';
import {
  decodeEaif,
  EAIF_CONTENT_TYPE,
  type EaifMessage,
  eaifMessageType,
  eaifObservationType,
  eaifToJson,
  encodeEaif,
  validateEaif,
} from '../../src/codec/eaif/index.ts';
import { type EaifHttpAnswer, eaifHttpPost } from '../../src/net/eaif-http-post.ts';
import { seededStream } from '../../src/util/case-clock.ts';
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
import { clearBehavioursAction, configureTargetAction } from '../peer-actions.ts';
import { PeerShell } from '../peer-shell.ts';
import { mmsAddress, type SendPartSpec, sendReq } from '../ue/mms-pdus.ts';
import { EAIF_APP_ACTIONS } from './eaif-app-actions.ts';
import { type EaifAppBehaviour, parseEaifAppBehaviour } from './eaif-app-behaviour.ts';
import type { EaifAppConfig } from './eaif-app-config.ts';

/**
 * An application on EAIF, the Nokia External Application Interface (NOKIA-EAIF: Nokia MMS Center
 * Application Development Guide 1.0; README.md): a client that POSTs MultiMediaMessages (binary
 * m-send-req, X-NOKIA-MMSC-* headers, HTTP Basic) to the target's EAIF URL (§5, originating
 * applications), and a server that takes what the MMSC POSTs to it (§6, terminating
 * applications; §3.2 delivery reporting): MultiMediaMessage, DeliveryReport, ReadReply, answered
 * 204 No Content unless told otherwise.
 *
 * Bad input to the server: HTTP problems get HTTP 4xx (404 path, 405 method, 401 auth, 413 size);
 * a POST it cannot decode (another content type, a malformed X-NOKIA-MMSC header, a body that is
 * no MMS PDU) gets 400 and an `eaif-undecodable` event. A decodable POST that breaks a rule of
 * validateEaif is answered normally and recorded (`eaif-invalid`): what the guide makes mandatory
 * could not be read, so the suites judge what they require.
 */
export interface EaifReceived {
  message: EaifMessage;
  raw: Uint8Array;
}

export class EaifApp extends PeerShell {
  readonly role = 'vasp' as const;
  readonly name: string;
  readonly actions: Readonly<Record<string, PeerAction>>;
  protected readonly iface = 'EAIF' as const;
  private agent?: http.Agent;
  private readonly behaviours = new BehaviourStack<EaifAppBehaviour>();
  private target?: string;
  private readonly received: EaifReceived[] = [];
  private counter = 0;
  /** Tells this peer's Transaction-IDs from an earlier run's: its creation time, or a draw of the case's seed. */
  private readonly runTag: string;

  constructor(
    private readonly config: EaifAppConfig = {},
    deps: { seed?: number } = {},
  ) {
    super();
    this.name = config.name ?? 'eaif-app';
    this.runTag =
      deps.seed === undefined
        ? Date.now().toString(36)
        : Math.floor(seededStream(deps.seed, this.name)() * 36 ** 8).toString(36);
    this.target = config.target;
    this.actions = bindActions(this.name, EAIF_APP_ACTIONS, {
      submit: (p) => this.submitAction(p),
      post: (p) => this.postAction(p),
      received: async (p) => this.receivedAction(p),
      'clear-behaviours': clearBehavioursAction(this),
      configure: configureTargetAction(this.name, 'EAIF URL', (url) => {
        this.target = url;
      }),
    });
  }

  protected async open(): Promise<PeerEndpoint[]> {
    this.agent = this.tappedAgent(
      new http.Agent({ keepAlive: false }),
      this.tapOptions('EAIF', { peerNode: 'mmsc', peerRole: 'mmsc' }),
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
        note: '(EAIF application: MultiMediaMessage, DeliveryReport, ReadReply)',
      },
    ];
  }

  private get path(): string {
    return this.config.path ?? '/eaif';
  }

  use(b: BehaviourSpec): void {
    this.behaviours.push(parseEaifAppBehaviour(this.name, b));
  }

  resetBehaviours(): void {
    this.behaviours.clear();
  }

  inbox(): readonly EaifReceived[] {
    return this.received;
  }

  // ---- server side (NOKIA-EAIF §6, §3.2) ----------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.path) return this.httpError(req, res, 404, `no EAIF endpoint at ${path}`);
    if (req.method !== 'POST') return this.httpError(req, res, 405, 'EAIF uses POST', { Allow: 'POST' });
    if (this.config.serverUsers && !basicAuthOk(req.headers.authorization, this.config.serverUsers)) {
      return this.httpError(req, res, 401, 'authentication required', {
        'WWW-Authenticate': 'Basic realm="mmscert-eaif-app"',
      });
    }
    const max = this.config.maxBody ?? 16 * 1024 * 1024;
    const body = await readBody(req, max);
    if (body === 'too-large') return this.httpError(req, res, 413, `body larger than ${max} bytes`);
    let msg: EaifMessage;
    try {
      msg = decodeEaif({ kind: 'request', rawHeaders: req.rawHeaders, body });
    } catch (e) {
      if (!isCodecError(e)) throw e;
      this.event('eaif-undecodable', { error: e.toLine(), size: body.byteLength });
      return this.answer(res, 400, e.toLine());
    }
    this.received.push({ message: msg, raw: body });
    this.publish('in', msg, body);
    const issues = validateEaif(msg);
    if (issues.length > 0) {
      this.event('eaif-invalid', {
        type: eaifObservationType(msg),
        issues: issues.map((i) => `${i.field}: ${i.reason}`).join('; '),
      });
    }
    const slow = this.behaviours.find('slow');
    if (slow) {
      this.event('behaviour-applied', { behaviour: 'slow', ms: slow.ms });
      await new Promise((r) => setTimeout(r, slow.ms));
    }
    const forced = this.behaviours.find('http-status');
    if (forced) this.event('behaviour-applied', { behaviour: 'http-status', code: forced.code });
    this.answer(res, forced?.code ?? this.config.answerStatus ?? 204);
  }

  private answer(res: http.ServerResponse, status: number, text?: string): void {
    const msg: EaifMessage = {
      kind: 'response',
      status,
      contentType: text !== undefined ? 'text/plain; charset=utf-8' : '',
      headers: [{ name: 'X-NOKIA-MMSC-Version', value: this.version }],
      body: text !== undefined ? new TextEncoder().encode(`${text}\n`) : new Uint8Array(0),
    };
    this.publish('out', msg, msg.body);
    const out = encodeEaif(msg, { validate: false });
    // a 204 carries no body (RFC 9110 §15.3.5)
    const headers: http.OutgoingHttpHeaders = status === 204 ? {} : { 'Content-Length': out.body.byteLength };
    for (const [k, v] of out.headers) headers[k] = v;
    res.writeHead(status, headers);
    res.end(status === 204 ? undefined : Buffer.from(out.body));
  }

  private httpError(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    code: number,
    text: string,
    headers: http.OutgoingHttpHeaders = {},
  ): void {
    req.resume();
    this.event('eaif-http-error', { code, reason: text });
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', ...headers });
    res.end(`${code} ${text}\n`);
  }

  private get version(): string {
    return this.config.version ?? '1.0';
  }

  // ---- client side (NOKIA-EAIF §5) ----------------------------------------------------------

  private async submitAction(p: JsonObject): Promise<Json> {
    const to = list(p.to);
    if (to.length === 0) throw new PeerConfigError(this.name, 'submit: to required');
    const from = str(p.from) ?? this.config.shortCodes?.[0] ?? '4444';
    const parts: SendPartSpec[] = [];
    if (typeof p.text === 'string') parts.push({ contentType: 'text/plain', text: p.text });
    if (Array.isArray(p.parts)) parts.push(...(p.parts as unknown as SendPartSpec[]));
    const transactionId = str(p.transactionId) ?? this.nextId('tx');
    let pdu = sendReq(
      {
        to,
        ...(typeof p.subject === 'string' ? { subject: p.subject } : {}),
        ...(parts.length ? { parts } : {}),
        ...(typeof p.deliveryReport === 'boolean' ? { deliveryReport: p.deliveryReport } : {}),
        ...(typeof p.readReply === 'boolean' ? { readReport: p.readReply } : {}),
        headers: { From: mmsAddress(from) },
        transactionId,
        version: '1.2',
      },
      this.name,
    );
    if (typeof p.truncate === 'number') pdu = pdu.subarray(0, Math.max(0, Math.floor(p.truncate)));
    const headers: [string, string][] = [
      ['Content-Type', EAIF_CONTENT_TYPE],
      ...(p.toHeader === false ? [] : [['X-NOKIA-MMSC-To', to.join(',')] as [string, string]]),
      ['X-NOKIA-MMSC-From', from],
      ['X-NOKIA-MMSC-Version', str(p.version) ?? this.version],
      ['X-NOKIA-MMSC-Message-Type', 'MultiMediaMessage'],
    ];
    return this.exchange(overrideHeaders(this.name, headers, p), pdu, p, { transactionId });
  }

  private async postAction(p: JsonObject): Promise<Json> {
    const b = p.body;
    const body = isBytesJson(b)
      ? bytesFromJson(b)
      : typeof b === 'string'
        ? new TextEncoder().encode(b)
        : undefined;
    if (!body) throw new PeerConfigError(this.name, 'post: body (text or {$base64}) required');
    const headers: [string, string][] = [
      ['Content-Type', EAIF_CONTENT_TYPE],
      ['X-NOKIA-MMSC-Version', str(p.version) ?? this.version],
      ['X-NOKIA-MMSC-Message-Type', 'MultiMediaMessage'],
    ];
    return this.exchange(overrideHeaders(this.name, headers, p), body, p, {});
  }

  /** POSTs one body with these header lines; the answer becomes the action's result and an observation. */
  private async exchange(
    headers: [string, string][],
    body: Uint8Array,
    p: JsonObject,
    extra: JsonObject,
  ): Promise<Json> {
    if (!this.target) throw new PeerConfigError(this.name, 'no target EAIF URL (configure {target})');
    const sent: EaifMessage = {
      kind: 'request',
      contentType: headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '',
      headers: headers
        .filter(([k]) => k.toLowerCase() !== 'content-type')
        .map(([name, value]) => ({ name, value })),
      body,
    };
    try {
      sent.pdu = decodeEaif({ kind: 'request', rawHeaders: headers.flat(), body }).pdu;
    } catch {
      // a deliberately broken request: published with its headers and size, no PDU
    }
    this.publish('out', sent, body);
    const withAuth = p.auth !== false;
    let answer: EaifHttpAnswer;
    try {
      answer = await eaifHttpPost({
        url: this.target,
        headers,
        body,
        ...(withAuth ? { user: str(p.user) ?? this.config.user, pass: str(p.pass) ?? this.config.pass } : {}),
        agent: this.agent,
      });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.event('eaif-request-failed', { error, ...extra });
      return { ok: false, status: 0, error, ...extra };
    }
    let rsp: EaifMessage;
    try {
      rsp = decodeEaif({
        kind: 'response',
        status: answer.status,
        rawHeaders: answer.rawHeaders,
        body: answer.body,
      });
    } catch (e) {
      // an answer with a malformed X-NOKIA-MMSC header: its status and headers as they came
      this.event('eaif-undecodable', { error: isCodecError(e) ? e.toLine() : String(e), answer: true });
      rsp = {
        kind: 'response',
        status: answer.status,
        contentType: '',
        headers: pairs(answer.rawHeaders)
          .filter(([k]) => /^x-nokia-mmsc-/i.test(k))
          .map(([name, value]) => ({ name, value })),
        body: answer.body,
      };
    }
    this.publish('in', rsp, answer.body);
    const j = eaifToJson(rsp);
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      messageId:
        typeof (j.headers as JsonObject)['X-NOKIA-MMSC-Message-Id'] === 'string'
          ? ((j.headers as JsonObject)['X-NOKIA-MMSC-Message-Id'] as string)
          : null,
      headers: j.headers ?? {},
      text: new TextDecoder().decode(answer.body.subarray(0, 2048)),
      ...extra,
    };
  }

  private receivedAction(p: JsonObject): Json {
    const type = str(p.type);
    const out = this.received
      .filter((r) => type === undefined || eaifMessageType(r.message) === type)
      .map((r) => eaifToJson(r.message));
    if (p.clear === true) this.received.length = 0;
    return { count: out.length, messages: out };
  }

  private publish(direction: 'in' | 'out', msg: EaifMessage, raw: Uint8Array): void {
    this.timeline?.publish({
      kind: 'message',
      type: eaifObservationType(msg),
      node: this.name,
      role: this.role,
      iface: 'EAIF',
      direction,
      peer: 'mmsc',
      fields: eaifToJson(msg),
      raw,
    });
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.runTag}-${this.counter}`;
  }
}

/** The action's `headers` and `contentType` over the defaults: a string replaces, null removes. */
function overrideHeaders(peer: string, base: [string, string][], p: JsonObject): [string, string][] {
  const out = base.map(([k, v]) => [k, v] as [string, string]);
  const set = (name: string, value: Json | undefined) => {
    const at = out.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
    if (value === null) {
      if (at >= 0) out.splice(at, 1);
      return;
    }
    if (typeof value !== 'string') throw new PeerConfigError(peer, `header ${name}: a string or null`);
    if (at >= 0) out[at] = [out[at][0], value];
    else out.push([name, value]);
  };
  if (p.contentType !== undefined) set('Content-Type', p.contentType);
  const h = p.headers;
  if (h !== undefined) {
    if (typeof h !== 'object' || h === null || Array.isArray(h))
      throw new PeerConfigError(peer, 'headers must be an object');
    for (const [k, v] of Object.entries(h)) set(k, v);
  }
  return out;
}

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return out;
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

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: Json | undefined): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
