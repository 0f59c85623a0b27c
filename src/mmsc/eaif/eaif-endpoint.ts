import type http from 'node:http';
import { isCodecError } from '../../codec/codec-error.ts';
import {
  decodeEaif,
  EAIF_CONTENT_TYPE,
  type EaifMessage,
  eaifObservationType,
  eaifToJson,
  encodeEaif,
} from '../../codec/eaif/index.ts';
import { buildPdu, decodeMms, encodeMms, type MmsValue } from '../../codec/mms/index.ts';
import { eaifHttpPost } from '../../net/eaif-http-post.ts';
import { readBody } from '../../wire/read-body.ts';
import { lookupLocalPort } from '../../wire/tap.ts';
import type { VaspConfig } from '../config.ts';
import { deliveryInd, readOrigInd } from '../mm1/pdus.ts';
import { authenticateTransport } from '../mm7/vasp-auth.ts';
import type { MmscCore } from '../mmsc-core.ts';
import type { DeliveryOutcome, OriginReport, OutboundDelivery } from '../module.ts';
import { GiveUp, RetryLater } from '../store/outbox.ts';
import { EAIF_VERSION, eaifSubmit } from './eaif-submit.ts';

/** The path of the EAIF endpoint on the MM7 listener. */
export const EAIF_PATH = '/eaif';

/** Whether a VASP account speaks EAIF (config `vasps[].dialect`). */
export function isEaifVasp(v: VaspConfig): boolean {
  return v.dialect === 'eaif';
}

/**
 * EAIF, the Nokia External Application Interface, as a second VASP dialect of the reference MMSC
 * (NOKIA-EAIF: Nokia MMS Center Application Development Guide 1.0): `POST /eaif` on the MM7
 * listener takes submissions of the VASP accounts whose `dialect` is `eaif` (HTTP Basic as on
 * MM7), and messages to such an account's short codes, and the reports it asked for, go to its
 * `callbackUrl` as EAIF POSTs (NOKIA-EAIF §6, terminating applications; §3.2 delivery reporting).
 */
export class EaifEndpoint {
  constructor(
    private readonly core: MmscCore,
    private readonly agent: () => http.Agent,
    private readonly requestTimeoutMs: number,
  ) {}

  // ---------------------------------------------------------------- inbound (§5)

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST');
      return plain(res, 405, 'EAIF requests are POSTed (NOKIA-EAIF §4.2)');
    }
    const vasps = this.core.config.vasps.filter(isEaifVasp);
    const auth = authenticateTransport(req.headers.authorization, vasps);
    const vasp =
      auth.kind === 'authenticated'
        ? auth.vasps[0]
        : auth.kind === 'anonymous'
          ? vasps.find((v) => v.username === undefined)
          : undefined;
    if (!vasp) {
      this.core.observer.event('EAIF', 'eaif-auth-refused', {
        reason: auth.kind === 'refused' ? auth.reason : 'no EAIF application account',
      });
      req.resume();
      res.setHeader('www-authenticate', 'Basic realm="mmsc-eaif", charset="UTF-8"');
      return plain(res, 401, 'authentication required');
    }
    const cfg = this.core.config;
    const limit = Math.max(cfg.maxMessageSize * 4, cfg.maxMessageSize + 1024 * 1024);
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
    const contentType = String(req.headers['content-type'] ?? '');
    const a = await eaifSubmit(this.core, vasp, contentType, req.rawHeaders, body);
    if (a.request) this.publish('in', a.request, body, peer);
    const answer: EaifMessage = {
      kind: 'response',
      status: a.status,
      contentType: a.text !== undefined ? 'text/plain; charset=utf-8' : '',
      headers: a.headers.map(([name, value]) => ({ name, value })),
      body: a.text !== undefined ? new TextEncoder().encode(`${a.text}\n`) : new Uint8Array(0),
    };
    this.publish('out', answer, answer.body, peer);
    const out = encodeEaif(answer, { validate: false });
    res.writeHead(a.status, [...out.headers.flat(), 'content-length', String(out.body.byteLength)]);
    res.end(Buffer.from(out.body));
  }

  // ---------------------------------------------------------------- outbound (§6, §3.2)

  /** A message to the application's short code: a MultiMediaMessage carrying an m-send-req. */
  async deliver(vasp: VaspConfig, d: OutboundDelivery): Promise<DeliveryOutcome> {
    if (!vasp.callbackUrl) throw new GiveUp(`EAIF application ${vasp.vaspId} has no callbackUrl`);
    const stored = decodeMms(await d.pdu());
    const m = d.message;
    // Mbuni sends the MM as an m-send-req: the stored one, its From the sender the MMSC decided.
    const fields: Record<string, MmsValue | MmsValue[]> = {};
    for (const h of stored.headers) {
      if (h.name === 'X-Mms-Message-Type' || h.name === 'From' || h.name === 'Bcc') continue;
      const prev = fields[h.name];
      fields[h.name] =
        prev === undefined ? h.value : Array.isArray(prev) ? [...prev, h.value] : [prev, h.value];
    }
    fields['X-Mms-Transaction-Id'] = this.core.ids.newTransactionId('E');
    fields.From = m.sender;
    const pdu = buildPdu('m-send-req', fields, stored.parts ?? stored.body);
    const msg = request('MultiMediaMessage', encodeMms(pdu, { validate: false }), [
      ['X-NOKIA-MMSC-To', d.recipient.address],
      ['X-NOKIA-MMSC-From', m.sender],
      ['X-NOKIA-MMSC-Message-Id', m.id],
    ]);
    const outcome = await this.call(vasp, msg);
    if (outcome.kind === 'ok') return { status: 'sent' };
    if (outcome.kind === 'retry') throw new RetryLater(outcome.reason);
    return { status: 'failed', reason: outcome.reason };
  }

  /**
   * A report the application asked for in its m-send-req: a DeliveryReport carrying the
   * m-delivery-ind, a ReadReply the m-read-orig-ind (Mbuni, both ends). X-NOKIA-MMSC-Status is not
   * sent: what it would carry on a report could not be confirmed; the PDU's X-Mms-Status /
   * X-Mms-Read-Status carries the status.
   */
  async report(vasp: VaspConfig, r: OriginReport): Promise<void> {
    if (!vasp.callbackUrl) throw new GiveUp(`EAIF application ${vasp.vaspId} has no callbackUrl for reports`);
    const m = r.message;
    const version = this.core.config.mmsVersion;
    const pdu =
      r.kind === 'delivery'
        ? deliveryInd(version, m.id, r.recipient.address, r.date, r.status)
        : readOrigInd(version, m.id, m.sender, r.recipient.address, r.date, r.status);
    const msg = request(r.kind === 'delivery' ? 'DeliveryReport' : 'ReadReply', encodeMms(pdu), [
      ['X-NOKIA-MMSC-To', m.sender],
      ['X-NOKIA-MMSC-From', r.recipient.address],
      ['X-NOKIA-MMSC-Message-Id', m.id],
    ]);
    const outcome = await this.call(vasp, msg);
    if (outcome.kind === 'retry') throw new RetryLater(outcome.reason);
    if (outcome.kind === 'failed') throw new GiveUp(outcome.reason);
  }

  /**
   * POSTs one EAIF message to the application and classifies its answer: 2xx taken (NowSMS and
   * Mbuni answer 204; Mbuni's MMSC takes any 2xx); 5xx, 401, 408, 429 and transport failures retry
   * (bounded by the outbox); other statuses are final.
   */
  private async call(
    vasp: VaspConfig,
    msg: EaifMessage,
  ): Promise<{ kind: 'ok' } | { kind: 'retry' | 'failed'; reason: string }> {
    const what = `${eaifObservationType(msg)} to ${vasp.vaspId}`;
    const http = encodeEaif(msg);
    this.publish('out', msg, http.body, 'vasp');
    let answer: Awaited<ReturnType<typeof eaifHttpPost>>;
    try {
      answer = await eaifHttpPost({
        url: vasp.callbackUrl ?? '',
        headers: http.headers,
        body: http.body,
        agent: this.agent(),
        timeoutMs: this.requestTimeoutMs,
      });
    } catch (e) {
      return { kind: 'retry', reason: `${what}: ${(e as Error).message}` };
    }
    try {
      const rsp = decodeEaif({
        kind: 'response',
        status: answer.status,
        rawHeaders: answer.rawHeaders,
        body: answer.body,
      });
      this.publish('in', rsp, answer.body, 'vasp');
    } catch (e) {
      // an answer with a malformed X-NOKIA-MMSC header: its status still decides
      this.core.observer.event('EAIF', 'eaif-undecodable', {
        error: isCodecError(e) ? e.toLine() : String(e),
      });
    }
    const s = answer.status;
    if (s >= 200 && s < 300) return { kind: 'ok' };
    const reason = `${what}: HTTP ${s}`;
    if (s >= 500 || s === 401 || s === 408 || s === 429) return { kind: 'retry', reason };
    return { kind: 'failed', reason };
  }

  private publish(direction: 'in' | 'out', msg: EaifMessage, raw: Uint8Array, peer?: string): void {
    const o = this.core.observer;
    if (!o.enabled) return;
    o.message('EAIF', direction, eaifObservationType(msg), () => eaifToJson(msg), {
      raw,
      ...(peer ? { peer } : {}),
    });
  }
}

/** An EAIF POST of the MMSC: its type, body and routing headers (NOKIA-EAIF §4.2). */
function request(type: string, body: Uint8Array, headers: [string, string][]): EaifMessage {
  return {
    kind: 'request',
    contentType: EAIF_CONTENT_TYPE,
    headers: [
      ...headers.map(([name, value]) => ({ name, value })),
      { name: 'X-NOKIA-MMSC-Version', value: EAIF_VERSION },
      { name: 'X-NOKIA-MMSC-Message-Type', value: type },
    ],
    body,
  };
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-nokia-mmsc-version': EAIF_VERSION,
  });
  res.end(`${text}\n`);
}
