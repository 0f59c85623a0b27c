import * as net from 'node:net';
import { decodeMm4, mm4ToJson } from '../../src/codec/mm4/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { tapSocket } from '../../src/wire/tap.ts';
import type { Timeline } from '../../src/wire/timeline.ts';
import { type SmtpTransaction, SmtpTranscript } from './smtp-transcript.ts';

/**
 * The recording MM4 relay between two real MMSCs (carrier A and carrier B): each side's MM4 route
 * to the other's domain points at one of the relay's listeners, and the relay passes the TCP stream
 * on, octet for octet, to the other side's MM4 (SMTP) endpoint. Nothing is changed, queued or
 * answered by the relay itself: every reply the sender sees is the receiver's. Only a fault a
 * purpose arms (`addFault`: cut a mail before its end of data, or lose the receiver's reply to it)
 * withholds octets, for that purpose's mails, and the mail says so. Both legs are tapped
 * into the timeline (so the capture shows each side's octets), and the SMTP dialogue of each
 * connection is read into its mail transactions, each decoded as an MM4 message (3GPP TS 23.140
 * §8.4) and published as a `message` observation of node `relay` with the direction it took.
 */
export type Side = 'a' | 'b';

export interface RelayRoute {
  /** The side whose MM4 sends to this listener. */
  from: Side;
  /** Listening port (0: ephemeral), on the relay's address (default 127.0.0.1). */
  listenPort: number;
  /** The receiving side's MM4 endpoint. */
  upstream: { host: string; port: number };
}

/** One mail as it crossed the relay: who sent it to whom, its envelope, octets and the receiver's verdict. */
export interface RelayedMail {
  /** 1-based, in the order the mails' data ended. */
  n: number;
  from: Side;
  to: Side;
  /** Timeline time (ns) the end-of-data reply came back (or the relay cut the mail). */
  t: number;
  /** Timeline time (ns) the sender began the transaction (its MAIL command reached the relay). */
  startT: number;
  conn: string;
  mailFrom: string;
  rcptTo: string[];
  rcptCodes: (number | undefined)[];
  /** The message octets as the sender put them on the wire (dot-unstuffed). */
  data: Uint8Array;
  /** The receiver's reply to the end of data. */
  dataReply?: { code: number; text: string };
  /** X-Mms-Message-Type when the data decodes as MM4, else undefined (and `decodeError`). */
  type?: string;
  /** Header fields by name (mm4ToJson), when it decodes. */
  fields?: JsonObject;
  decodeError?: string;
  /** The fault the relay injected into this transaction (`cut`: no `dataReply`, the receiver never got it). */
  fault?: RelayFault;
}

/**
 * A fault the relay injects into one mail transaction (issue 17: retries, duplicates), decided when
 * the sender has written the whole message, before its end-of-data line goes on:
 * - `cut`: the end of data is not passed on and both legs are closed (the receiver never got the
 *   mail; the sender gets no answer);
 * - `lose-reply`: the mail goes on, but the receiver's reply to its end of data is not passed back
 *   and both legs are closed (the receiver took it; the sender does not know).
 * Every other octet is passed on unchanged; a mail that met a fault says so (`fault`).
 */
export type RelayFault = 'cut' | 'lose-reply';
export type RelayFaultRule = (mail: RelayedMail) => RelayFault | undefined;

/** One relayed connection: its transcript and which way it went. */
export interface RelayedConnection {
  conn: string;
  from: Side;
  to: Side;
  transcript: SmtpTranscript;
}

export class Mm4Relay {
  readonly mails: RelayedMail[] = [];
  readonly connections: RelayedConnection[] = [];
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly nodes: Record<Side, string>;
  private readonly faultRules: RelayFaultRule[] = [];
  private readonly recorded = new Map<SmtpTransaction, RelayedMail>();
  private readonly began = new WeakMap<SmtpTransaction, number>();

  constructor(
    private readonly timeline: Timeline,
    private readonly routes: readonly RelayRoute[],
    nodes: Partial<Record<Side, string>> = {},
    readonly node = 'relay',
    /** The address the listeners bind (loopback unless two carriers' MMSCs on other hosts must reach it). */
    readonly host = '127.0.0.1',
  ) {
    this.nodes = { a: nodes.a ?? 'mmsc.a', b: nodes.b ?? 'mmsc.b' };
  }

  /** Starts every listener; resolves to the bound port of each route, in order. */
  async start(): Promise<number[]> {
    const ports: number[] = [];
    for (const route of this.routes) {
      const server = net.createServer((s) => this.accept(s, route));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(route.listenPort, this.host, () => resolve());
      });
      this.servers.push(server);
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }

  /**
   * Arms a fault rule, asked for each mail transaction once its data is complete (the mail as it
   * will be recorded, without its reply); the first rule naming a fault decides. Returns the
   * function that disarms it.
   */
  addFault(rule: RelayFaultRule): () => void {
    this.faultRules.push(rule);
    return () => {
      const i = this.faultRules.indexOf(rule);
      if (i >= 0) this.faultRules.splice(i, 1);
    };
  }

  /** Mails sent by `from` since index `since` (a position in `mails`). */
  mailsFrom(from: Side, since = 0): RelayedMail[] {
    return this.mails.slice(since).filter((m) => m.from === from);
  }

  private accept(inbound: net.Socket, route: RelayRoute): void {
    const from = route.from;
    const to: Side = from === 'a' ? 'b' : 'a';
    this.sockets.add(inbound);
    const conn = tapSocket(inbound, {
      timeline: this.timeline,
      node: this.node,
      role: 'remote-mmsc',
      iface: 'MM4',
      side: 'server',
      peerNode: this.nodes[from],
      peerRole: 'mmsc',
    });
    const outbound = net.connect(route.upstream.port, route.upstream.host);
    this.sockets.add(outbound);
    tapSocket(outbound, {
      timeline: this.timeline,
      node: this.node,
      role: 'remote-mmsc',
      iface: 'MM4',
      side: 'client',
      peerNode: this.nodes[to],
      peerRole: 'mmsc',
    });
    const transcript = new SmtpTranscript((t) => this.record(t, from, to, conn));
    this.connections.push({ conn, from, to, transcript });
    const destroyBoth = () => {
      inbound.destroy();
      outbound.destroy();
    };
    // the transaction whose end-of-data reply is being lost, if any
    let losing: SmtpTransaction | undefined;
    inbound.pause();
    outbound.once('connect', () => inbound.resume());
    // Client octets go on line by line (SMTP is line based, RFC 5321 §2.3.8), unchanged, so that a
    // fault can stop a mail before its end-of-data line; only the TCP segmentation may differ.
    let pending: Buffer = Buffer.alloc(0);
    inbound.on('data', (d: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      let start = 0;
      for (;;) {
        const eol = pending.indexOf('\r\n', start);
        if (eol < 0) break;
        const line = pending.subarray(start, eol + 2);
        start = eol + 2;
        const before = transcript.transactions.length;
        const ended = transcript.client(line);
        if (transcript.transactions.length > before)
          this.began.set(transcript.transactions[before], this.timeline.now());
        if (ended) {
          const fault = this.faultFor(ended, from, to, conn);
          if (fault === 'cut') {
            this.record(ended, from, to, conn, 'cut');
            destroyBoth();
            return;
          }
          if (fault === 'lose-reply') losing = ended;
        }
        outbound.write(line);
      }
      pending = pending.subarray(start);
    });
    outbound.on('data', (d: Buffer) => {
      transcript.server(d);
      if (losing?.dataReply) {
        // the receiver answered the end of data: the sender never hears it
        const m = this.recorded.get(losing);
        if (m) m.fault = 'lose-reply';
        destroyBoth();
        return;
      }
      inbound.write(d);
    });
    inbound.on('end', () => {
      if (pending.length) {
        transcript.client(pending);
        outbound.write(pending);
        pending = Buffer.alloc(0);
      }
      outbound.end();
    });
    outbound.on('end', () => inbound.end());
    const drop = (other: net.Socket) => () => {
      this.sockets.delete(inbound);
      this.sockets.delete(outbound);
      other.destroy();
    };
    inbound.on('close', drop(outbound));
    outbound.on('close', drop(inbound));
    // a refused or reset leg ends the other one the same way; the error is on the timeline (tap)
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  }

  /** The fault the armed rules name for a complete transaction, if any. */
  private faultFor(t: SmtpTransaction, from: Side, to: Side, conn: string): RelayFault | undefined {
    if (this.faultRules.length === 0) return undefined;
    const probe = this.toMail(t, from, to, conn, 0);
    for (const rule of this.faultRules) {
      const f = rule(probe);
      if (f) return f;
    }
    return undefined;
  }

  private toMail(t: SmtpTransaction, from: Side, to: Side, conn: string, n: number): RelayedMail {
    const data = t.data ?? new Uint8Array(0);
    const mail: RelayedMail = {
      n,
      from,
      to,
      t: this.timeline.now(),
      startT: this.began.get(t) ?? this.timeline.now(),
      conn,
      mailFrom: t.mailFrom,
      rcptTo: [...t.rcptTo],
      rcptCodes: t.rcptReplies.map((r) => r?.code),
      data,
      ...(t.dataReply ? { dataReply: t.dataReply } : {}),
    };
    try {
      const m = decodeMm4(data);
      mail.type = m.type;
      mail.fields = mm4ToJson(m);
    } catch (e) {
      mail.decodeError = (e as Error).message;
    }
    return mail;
  }

  private record(t: SmtpTransaction, from: Side, to: Side, conn: string, fault?: RelayFault): void {
    const mail = this.toMail(t, from, to, conn, this.mails.length + 1);
    if (fault) mail.fault = fault;
    this.recorded.set(t, mail);
    this.mails.push(mail);
    this.timeline.publish({
      kind: 'message',
      node: this.node,
      role: 'remote-mmsc',
      iface: 'MM4',
      direction: 'in',
      peer: this.nodes[from],
      conn,
      type: mail.type ?? 'smtp-mail',
      fields: {
        relayed: `${from}->${to}`,
        mailFrom: mail.mailFrom,
        rcptTo: mail.rcptTo,
        dataReply: mail.dataReply ? mail.dataReply.code : null,
        ...(fault ? { fault } : {}),
        ...(mail.fields ? { mm4: mail.fields } : { decodeError: mail.decodeError ?? '' }),
      },
      raw: mail.data,
    });
  }
}
