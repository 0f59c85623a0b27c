import http from 'node:http';
import { isCodecError } from '../../src/codec/codec-error.ts';
import type { MimeEntity } from '../../src/codec/mime/index.ts';
import { parseMimeBody } from '../../src/codec/mime/index.ts';
import {
  encodeWspPush,
  PUSH_APP_IDS,
  segmentSms,
  WAP_PUSH_PORT,
  WAP_WSP_SOURCE_PORT,
} from '../../src/codec/push/index.ts';
import type { WspHeader } from '../../src/codec/wsp/index.ts';
import { type Clock, SYSTEM_CLOCK } from '../../src/util/case-clock.ts';
import { bytesToJson, type Json, type JsonObject } from '../../src/util/json.ts';
import { BehaviourStack } from '../behaviour-stack.ts';
import {
  type BehaviourSpec,
  bindActions,
  type PeerAction,
  PeerConfigError,
  type PeerContext,
  type PeerEndpoint,
} from '../peer.ts';
import { PeerShell } from '../peer-shell.ts';
import { PPG_ACTIONS } from './gateway-actions.ts';
import { BodyCollector, delay, isLoopbackHost, isMsisdn, MMS_MEDIA_TYPE, mediaType } from './http-util.ts';
import { publishMm1 } from './mm1-observation.ts';
import {
  badMessageXml,
  cancelResponseXml,
  PAP_RESULT_CODES,
  type PapAddress,
  type PapControl,
  PapError,
  type PapMessageState,
  parsePapControl,
  pushResponseXml,
  resultNotificationXml,
  statusQueryResponseXml,
} from './pap.ts';
import { SmppTransmitter, type SmscBinding } from './smpp-transmitter.ts';

/**
 * Push Proxy Gateway mock: PAP 2.0 over HTTP POST (WAP-247-PAP, WAP-249-PPGService) in,
 * WAP push over SMS out (WAP-251 push message, WAP-230 §8.2.4 connectionless push PDU,
 * WAP-259 WDP over SMS: UDH ports 2948 <- 9200, concatenated when over 140 octets) submitted
 * through an SMSC over SMPP (submit_sm, esm_class UDHI, data_coding 8-bit).
 *
 * - push-message (multipart/related: the PAP control entity, then the content): answered
 *   at once with push-response 1001 (accepted for processing, HTTP 202) or the error code;
 *   delivered asynchronously; a resultnotification-message is POSTed to
 *   ppg-notify-requested-to when asked (loopback URLs only). deliver-after-timestamp defers
 *   delivery; deliver-before-timestamp already passed gives message-state `expired`.
 * - statusquery-message and cancel-message (application/xml) for pushes this PPG knows.
 * - Anything it cannot parse (bad MIME, bad XML, DTD subsets / entities = XXE) gets a
 *   badmessage-response 2000 (HTTP 400); the server keeps serving.
 *
 * "delivered" here means the SMSC accepted every segment (submit_sm_resp ESME_ROK): an SMS
 * bearer gives an unconfirmed push no end-to-end confirmation (WAP-247 §9.x message-state).
 */
export interface PpgConfig {
  name?: string;
  port?: number;
  /** HTTP path PAP requests are POSTed to (default `/pap`; other paths get 404). */
  path?: string;
  /** The SMSC to submit through (settable later: `setSmsc`). */
  smsc?: SmscBinding;
  /** sender-name in push-response. */
  senderName?: string;
  /** Largest PAP request accepted (default 1 MiB): more gets 413. */
  maxRequest?: number;
}

export const PPG_BEHAVIOURS = ['result', 'slow', 'fail-delivery'] as const;

interface PushRecord {
  pushId: string;
  addresses: PapAddress[];
  state: PapMessageState;
  code: number;
  receivedTime: string;
  eventTime?: string;
  timer?: NodeJS.Timeout;
}

export class PushProxyGateway extends PeerShell {
  readonly name: string;
  readonly role = 'ppg' as const;
  readonly actions: Readonly<Record<string, PeerAction>>;
  private readonly config: PpgConfig;
  protected readonly iface = 'PAP' as const;
  private smsc?: SmppTransmitter;
  private smscCfg?: SmscBinding;
  private readonly behaviours = new BehaviourStack<BehaviourSpec>();
  private readonly pushes = new Map<string, PushRecord>();
  private readonly inflight = new Set<Promise<void>>();
  private tid = 0;
  private ref = 0;
  private readonly agent = new http.Agent({ keepAlive: false });

  /** The clock of the times it writes and compares (the case's in a seeded embedded run). */
  private readonly clock: Clock;

  constructor(config: PpgConfig = {}, deps: { clock?: Clock } = {}) {
    super();
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.config = config;
    this.name = config.name ?? 'ppg';
    if (config.smsc) this.smscCfg = config.smsc;
    this.actions = bindActions(this.name, PPG_ACTIONS, {
      // Ends every scripted behaviour mid-case (a PPG that recovers), like resetBehaviours().
      'clear-behaviours': async (): Promise<Json> => {
        this.resetBehaviours();
        return { cleared: true };
      },
      'set-smsc': async (p: JsonObject): Promise<Json> => {
        if (typeof p.port !== 'number')
          throw new PeerConfigError(this.name, 'set-smsc needs {port, systemId?, password?}');
        this.setSmsc({
          port: p.port,
          host: typeof p.host === 'string' ? p.host : undefined,
          systemId: typeof p.systemId === 'string' ? p.systemId : undefined,
          password: typeof p.password === 'string' ? p.password : undefined,
          systemType: typeof p.systemType === 'string' ? p.systemType : undefined,
          sourceAddr: typeof p.sourceAddr === 'string' ? p.sourceAddr : undefined,
        });
        return { ok: true };
      },
      pushes: async (): Promise<Json> =>
        [...this.pushes.values()].map((r) => ({
          pushId: r.pushId,
          addresses: r.addresses.map((a) => a.value),
          state: r.state,
          code: r.code,
        })),
    });
  }

  setSmsc(binding: SmscBinding): void {
    if (!isLoopbackHost(binding.host ?? '127.0.0.1'))
      throw new PeerConfigError(this.name, 'SMSC must be on loopback');
    void this.smsc?.close();
    this.smsc = undefined;
    this.smscCfg = binding;
  }

  get url(): string | undefined {
    return this.endpoints()[0]?.url;
  }

  protected async open(ctx: PeerContext): Promise<PeerEndpoint[]> {
    this.tappedAgent(this.agent);
    const port = await this.serveHttp(
      (req, res) => {
        this.handle(req, res).catch((e) =>
          this.reply(res, 500, badMessageXml({ code: 3000, desc: String(e) }), 'badmessage-response'),
        );
      },
      { port: this.config.port, host: ctx.host },
    );
    return [
      {
        peer: this.name,
        protocol: 'pap',
        url: `http://${ctx.host}:${port}${this.config.path ?? '/pap'}`,
        note: this.smscCfg ? `(PAP 2.0 -> smpp://127.0.0.1:${this.smscCfg.port})` : '(PAP 2.0, no SMSC yet)',
      },
    ];
  }

  protected override async close(): Promise<void> {
    for (const r of this.pushes.values()) if (r.timer) clearTimeout(r.timer);
    await Promise.allSettled([...this.inflight]);
    await this.smsc?.close();
    this.smsc = undefined;
  }

  use(b: BehaviourSpec): void {
    switch (b.kind) {
      case 'result':
        if (typeof b.code !== 'number' || !(b.code in PAP_RESULT_CODES)) {
          throw new PeerConfigError(
            this.name,
            'result needs {code} from the PAP result codes (e.g. 3000, 4001)',
          );
        }
        break;
      case 'slow':
        if (typeof b.ms !== 'number' || b.ms < 0 || b.ms > 600_000)
          throw new PeerConfigError(this.name, 'slow needs {ms}');
        break;
      case 'fail-delivery':
        break;
      default:
        throw new PeerConfigError(this.name, `unknown behaviour '${b.kind}' (${PPG_BEHAVIOURS.join(', ')})`);
    }
    this.behaviours.push({ ...b });
  }

  resetBehaviours(): void {
    this.behaviours.clear();
  }

  /** Resolves when every delivery started so far has finished (tests, orderly stop). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private behaviour(kind: string): BehaviourSpec | undefined {
    return this.behaviours.find(kind);
  }

  private message(
    type: string,
    direction: 'in' | 'out',
    fields: Json,
    raw?: Uint8Array,
    iface: 'PAP' | 'SMPP' | 'WAP-PUSH' = 'PAP',
  ): void {
    this.timeline?.publish({
      kind: 'message',
      type,
      fields,
      node: this.name,
      role: this.role,
      iface,
      direction,
      ...(raw ? { raw } : {}),
      ...(iface === 'SMPP' ? { peer: 'smsc' } : {}),
    });
  }

  private reply(
    res: http.ServerResponse,
    status: number,
    xml: string,
    type: string,
    fields: JsonObject = {},
  ): void {
    this.message(type, 'out', { ...fields, status });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = Buffer.from(xml, 'utf8');
    res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': String(body.length) });
    res.end(body);
  }

  private bad(res: http.ServerResponse, e: PapError): void {
    this.reply(
      res,
      400,
      badMessageXml({ code: e.code, desc: e.message, fragment: e.fragment }),
      'badmessage-response',
      {
        code: e.code,
        desc: e.message,
      },
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== (this.config.path ?? '/pap')) {
      req.resume();
      res.writeHead(404, { 'Content-Length': '0' }).end();
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { Allow: 'POST', 'Content-Length': '0' }).end();
      return;
    }
    const limit = this.config.maxRequest ?? 1024 * 1024;
    const collector = new BodyCollector(limit);
    for await (const chunk of req) collector.push(chunk as Buffer);
    if (collector.overflow) {
      this.event('pap-too-large', { size: collector.size });
      res.writeHead(413, { 'Content-Length': '0', Connection: 'close' }).end();
      return;
    }
    const body = collector.bytes();
    const ctype = req.headers['content-type'] ?? '';
    const slow = this.behaviour('slow');
    if (slow) await delay(slow.ms as number);

    let control: PapControl;
    let content: MimeEntity | undefined;
    try {
      ({ control, content } = this.parseRequest(body, ctype));
    } catch (e) {
      if (e instanceof PapError) {
        this.message('pap-unparseable', 'in', { error: e.message, size: body.length }, body);
        this.bad(res, e);
        return;
      }
      throw e;
    }
    this.message(control.kind, 'in', papFields(control), body);
    switch (control.kind) {
      case 'push-message':
        this.pushMessage(res, control, content);
        return;
      case 'statusquery-message': {
        const r = this.pushes.get(control.pushId);
        const xml = statusQueryResponseXml({
          pushId: control.pushId,
          results: r
            ? r.addresses.map((a) => ({
                address: a.value,
                state: r.state,
                code: r.code,
                eventTime: r.eventTime,
              }))
            : [{ state: 'unknown', code: 2004 }],
        });
        this.reply(res, 200, xml, 'statusquery-response', {
          'push-id': control.pushId,
          'message-state': r?.state ?? 'unknown',
        });
        return;
      }
      case 'cancel-message': {
        const r = this.pushes.get(control.pushId);
        let code = 2004;
        if (r && r.state === 'pending' && r.timer) {
          clearTimeout(r.timer);
          r.timer = undefined;
          r.state = 'cancelled';
          r.code = 1000;
          r.eventTime = new Date(this.clock.now()).toISOString();
          code = 1000;
        } else if (r) code = 2008;
        this.reply(
          res,
          200,
          cancelResponseXml({ pushId: control.pushId, results: [{ code }] }),
          'cancel-response',
          {
            'push-id': control.pushId,
            code,
          },
        );
        return;
      }
      case 'resultnotification-response':
        res.writeHead(204).end();
        return;
    }
  }

  /** multipart/related (push-message) or a bare application/xml control entity (the others). */
  private parseRequest(body: Uint8Array, ctype: string): { control: PapControl; content?: MimeEntity } {
    const media = mediaType(ctype);
    if (media === 'application/xml' || media === 'text/xml') {
      const control = parsePapControl(Buffer.from(body).toString('utf8'));
      if (control.kind === 'push-message')
        throw new PapError(2000, 'push-message must be multipart/related with content');
      return { control };
    }
    if (media !== 'multipart/related')
      throw new PapError(2000, `Content-Type '${media}' is not multipart/related`);
    let entity: MimeEntity;
    try {
      entity = parseMimeBody(body, ctype);
    } catch (e) {
      throw new PapError(2000, `bad multipart body: ${(e as Error).message}`);
    }
    const parts = entity.parts ?? [];
    if (parts.length < 2)
      throw new PapError(
        2000,
        `multipart/related with ${parts.length} part(s): needs control entity and content`,
      );
    if (parts[0].contentType !== 'application/xml' && parts[0].contentType !== 'text/xml') {
      throw new PapError(2000, `first part is ${parts[0].contentType}, not the PAP control entity`);
    }
    const control = parsePapControl(Buffer.from(parts[0].body).toString('utf8'));
    if (control.kind !== 'push-message') throw new PapError(2000, `${control.kind} does not carry content`);
    return { control, content: parts[1] };
  }

  private pushMessage(
    res: http.ServerResponse,
    control: Extract<PapControl, { kind: 'push-message' }>,
    content?: MimeEntity,
  ): void {
    const respond = (code: number, descText?: string) => {
      const xml = pushResponseXml({
        pushId: control.pushId,
        at: new Date(this.clock.now()),
        code,
        desc: descText,
        senderName: this.config.senderName,
      });
      this.reply(res, code < 2000 ? 202 : 200, xml, 'push-response', { 'push-id': control.pushId, code });
    };
    const forced = this.behaviour('result');
    if (forced) {
      respond(forced.code as number);
      return;
    }
    if (this.pushes.has(control.pushId)) {
      respond(2007);
      return;
    }
    for (const a of control.addresses) {
      if (a.type !== 'PLMN' || !isMsisdn(a.client)) {
        respond(2002, `address '${a.value}': only TYPE=PLMN with an E.164 number is served`);
        return;
      }
    }
    if (!content) {
      respond(2000, 'no content entity');
      return;
    }
    // quality-of-service this PPG cannot honour (WAP-247 §9.13 codes 3007, 3009, 3010): it only
    // pushes unconfirmed, over the SMS bearer of a 3GPP network.
    const qos = control.qos ?? {};
    if (qos['delivery-method'] === 'confirmed') {
      respond(3007, 'confirmed delivery is not possible over the SMS bearer');
      return;
    }
    if (
      qos['network-required'] === 'true' &&
      qos.network &&
      !/^(GSM|UMTS|WCDMA|LTE|3GPP)$/i.test(qos.network)
    ) {
      respond(3009, `network ${qos.network} is not served`);
      return;
    }
    if (qos['bearer-required'] === 'true' && qos.bearer && !/^SMS$/i.test(qos.bearer)) {
      respond(3010, `bearer ${qos.bearer} is not served (SMS only)`);
      return;
    }
    if (!this.smscCfg) {
      respond(4001, 'no SMSC configured');
      return;
    }
    const record: PushRecord = {
      pushId: control.pushId,
      addresses: control.addresses,
      state: 'pending',
      code: 1001,
      receivedTime: new Date(this.clock.now()).toISOString(),
    };
    this.pushes.set(control.pushId, record);
    respond(1001);

    const run = () => {
      record.timer = undefined;
      const p = this.deliver(record, control, content).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    };
    const after = control.deliverAfter ? Date.parse(control.deliverAfter) - this.clock.now() : 0;
    // Deferred pushes are bounded (at most one hour) so a suite never waits forever.
    if (after > 0) record.timer = setTimeout(run, Math.min(after, 3_600_000));
    else run();
  }

  private async deliver(
    record: PushRecord,
    control: Extract<PapControl, { kind: 'push-message' }>,
    content: MimeEntity,
  ): Promise<void> {
    const finish = async (address: PapAddress, state: PapMessageState, code: number, descText?: string) => {
      record.state = state;
      record.code = code;
      record.eventTime = new Date(this.clock.now()).toISOString();
      this.event('push-finished', { 'push-id': record.pushId, address: address.value, state, code });
      if (control.notifyTo) await this.notify(control.notifyTo, record, address, descText);
    };
    for (const address of record.addresses) {
      if (control.deliverBefore && Date.parse(control.deliverBefore) < this.clock.now()) {
        await finish(address, 'expired', 4000, 'deliver-before-timestamp passed before delivery');
        continue;
      }
      if (this.behaviour('fail-delivery')) {
        await finish(address, 'undeliverable', 4000, 'fail-delivery behaviour');
        continue;
      }
      try {
        const ok = await this.submitPush(address.client, content);
        if (ok === 0) await finish(address, 'delivered', 1000);
        else
          await finish(
            address,
            'undeliverable',
            4000,
            `SMSC answered command_status 0x${ok.toString(16).padStart(8, '0')}`,
          );
      } catch (e) {
        // 3006: the content could not be turned into a WSP push (WAP-247 §9.13).
        await finish(
          address,
          'undeliverable',
          e instanceof TransformationFailure ? 3006 : 4000,
          (e as Error).message,
        );
      }
    }
  }

  /** Encodes the content as a connectionless WSP push and submits it; returns the first non-zero command_status or 0. */
  private async submitPush(msisdn: string, content: MimeEntity): Promise<number> {
    if (!this.smsc) {
      this.smsc = new SmppTransmitter(
        this.smscCfg!,
        this.timeline && { timeline: this.timeline, node: this.name, role: this.role },
      );
    }
    const headers: WspHeader[] = [];
    // The application the push addresses (WAP-251 §6.2.2.3, X-Wap-Application-Id); the MMS
    // user agent (x-wap-application:mms.ua, code 4) by default for MMS content.
    const appId = content.headers.find((h) => h.name.toLowerCase() === 'x-wap-application-id')?.value.trim();
    const app = appId ?? (content.contentType === MMS_MEDIA_TYPE ? 'x-wap-application:mms.ua' : undefined);
    if (app !== undefined) {
      const code = (PUSH_APP_IDS as Record<string, number>)[app.toLowerCase()];
      headers.push({ name: 'X-Wap-Application-Id', value: code ?? (/^\d+$/.test(app) ? Number(app) : app) });
    }
    this.tid = (this.tid + 1) & 0xff;
    let push: Uint8Array;
    try {
      push = encodeWspPush({
        tid: this.tid,
        pduType: 'Push',
        contentType: {
          mediaType: content.contentType,
          params: Object.entries(content.params).map(([name, value]) => ({ name, value })),
        },
        headers,
        body: content.body,
      });
    } catch (e) {
      if (!isCodecError(e)) throw e;
      throw new TransformationFailure(e.toLine());
    }
    this.message(
      'wsp-push',
      'out',
      {
        tid: this.tid,
        pduType: 'Push',
        contentType: content.contentType,
        'X-Wap-Application-Id': app ?? null,
        to: msisdn,
        size: push.length,
      },
      push,
      'WAP-PUSH',
    );
    if (content.contentType === MMS_MEDIA_TYPE && this.timeline) {
      publishMm1(
        this.timeline,
        // the content the target handed over in its PAP push-message
        { node: this.name, role: this.role, direction: 'out', iface: 'WAP-PUSH', fromTarget: true },
        content.body,
      );
    }
    this.ref = (this.ref + 1) & 0xff;
    const segments = segmentSms(push, {
      ports: { source: WAP_WSP_SOURCE_PORT, destination: WAP_PUSH_PORT },
      ref: this.ref,
    });
    for (const [i, ud] of segments.entries()) {
      this.message(
        'submit_sm',
        'out',
        {
          destination_addr: msisdn.replace(/^\+/, ''),
          esm_class: 0x40,
          data_coding: 4,
          segment: i + 1,
          of: segments.length,
          short_message: bytesToJson(ud),
        },
        ud,
        'SMPP',
      );
      const r = await this.smsc.submit(msisdn, ud, true);
      this.message(
        'submit_sm_resp',
        'in',
        { command_status: r.commandStatus, message_id: r.messageId ?? null },
        undefined,
        'SMPP',
      );
      if (r.commandStatus !== 0) return r.commandStatus;
    }
    return 0;
  }

  private async notify(
    url: string,
    record: PushRecord,
    address: PapAddress,
    descText?: string,
  ): Promise<void> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      this.event('notify-failed', { url, error: 'not a URL' });
      return;
    }
    if (u.protocol !== 'http:' || !isLoopbackHost(u.hostname)) {
      this.event('notify-failed', { url, error: 'only http URLs on loopback are notified' });
      return;
    }
    const xml = resultNotificationXml({
      pushId: record.pushId,
      at: new Date(this.clock.now()),
      address: address.value,
      code: record.code,
      state: record.state,
      desc: descText,
      senderName: this.config.senderName,
      receivedTime: `${record.receivedTime.slice(0, 19)}Z`,
    });
    this.message('resultnotification-message', 'out', {
      'push-id': record.pushId,
      'message-state': record.state,
      code: record.code,
      address: address.value,
    });
    await new Promise<void>((resolve) => {
      const body = Buffer.from(xml, 'utf8');
      const req = http.request(u, {
        method: 'POST',
        agent: this.agent,
        headers: { 'Content-Type': 'application/xml', 'Content-Length': String(body.length) },
      });
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          this.message('resultnotification-response', 'in', {
            status: res.statusCode ?? 0,
            size: Buffer.concat(chunks).length,
          });
          resolve();
        });
        res.on('error', () => resolve());
      });
      req.on('error', (e) => {
        this.event('notify-failed', { url, error: e.message });
        resolve();
      });
      req.end(body);
    });
  }
}

class TransformationFailure extends Error {}

function papFields(c: PapControl): JsonObject {
  const out: JsonObject = { 'push-id': c.pushId };
  if ('addresses' in c) out.addresses = c.addresses.map((a) => a.value);
  if (c.kind === 'push-message') {
    if (c.notifyTo) out['ppg-notify-requested-to'] = c.notifyTo;
    if (c.deliverBefore) out['deliver-before-timestamp'] = c.deliverBefore;
    if (c.deliverAfter) out['deliver-after-timestamp'] = c.deliverAfter;
    if (c.sourceReference) out['source-reference'] = c.sourceReference;
    if (c.qos) out['quality-of-service'] = c.qos;
  }
  if (c.kind === 'resultnotification-response') out.code = c.code;
  return out;
}
