import { EventEmitter } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { decodeMms } from '../../src/codec/mms/index.ts';
import { decodeSmsUserData, decodeWspPush, SmsReassembler } from '../../src/codec/push/index.ts';
import type { ReceivedPush } from './fake-smsc.ts';

/**
 * The bench's SMSC: what FakeSmsc does for a load run (check the bind, answer submit_sm,
 * reassemble the WAP push SMS, emit each MMS PDU as a 'push'), on its own SMPP 3.4 framing
 * instead of the smpp package's generic PDU objects, so the load generator spends its CPU on
 * the exchange rather than on the package. No throttling or refusal switches: FakeSmsc (tests)
 * has those.
 */

const HEADER = 16;
/** SMPP 3.4 gives no maximum; the smpp package's (and mocks/smsc's) limit. */
const MAX_PDU = 16_384;
const RESP = 0x80000000;
const GENERIC_NACK = 0x80000000;
const CMD = {
  bind_receiver: 0x01,
  bind_transmitter: 0x02,
  submit_sm: 0x04,
  unbind: 0x06,
  bind_transceiver: 0x09,
  enquire_link: 0x15,
} as const;
/** SMPP 3.4 §5.1.3 command_status values used here. */
const ESME_RINVCMDLEN = 0x02;
const ESME_RINVCMDID = 0x03;
const ESME_RINVBNDSTS = 0x04;
const ESME_RBINDFAIL = 0x0d;
const ESME_RINVPASWD = 0x0e;
const ESME_RSYSERR = 0x08;

export class LeanSmsc extends EventEmitter {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly reassembler = new SmsReassembler();
  private nextId = 1;
  binds = 0;
  submits = 0;

  constructor(
    readonly systemId = 'mmsc',
    readonly password = 'secret',
  ) {
    super();
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(port = 0): Promise<number> {
    const server = net.createServer((s) => this.onConnection(s));
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.server = server;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private onConnection(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf: Buffer = Buffer.alloc(0);
    let bound = false;
    socket.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      const out: Buffer[] = [];
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len < HEADER || len > MAX_PDU) {
          const seq = buf.length >= HEADER ? buf.readUInt32BE(12) : 0;
          out.push(header(GENERIC_NACK, ESME_RINVCMDLEN, seq));
          socket.end(Buffer.concat(out));
          return;
        }
        if (buf.length < len) break;
        const pdu = buf.subarray(0, len);
        buf = buf.subarray(len);
        const id = pdu.readUInt32BE(4);
        const seq = pdu.readUInt32BE(12);
        if (id & RESP) continue; // answers to our (no) requests
        switch (id) {
          case CMD.bind_transceiver:
          case CMD.bind_transmitter:
          case CMD.bind_receiver: {
            this.binds += 1;
            const r = { o: HEADER };
            const systemId = cstring(pdu, r);
            const password = cstring(pdu, r);
            let status = ESME_RBINDFAIL;
            if (systemId !== undefined && password !== undefined) {
              status = systemId === this.systemId && password === this.password ? 0 : ESME_RINVPASWD;
            }
            if (status === 0) bound = true;
            out.push(withBody(id | RESP, status, seq, 'lean-smsc'));
            break;
          }
          case CMD.enquire_link:
            out.push(header(id | RESP, 0, seq));
            break;
          case CMD.unbind:
            out.push(header(id | RESP, 0, seq));
            socket.end(Buffer.concat(out));
            return;
          case CMD.submit_sm:
            if (!bound) out.push(header(id | RESP, ESME_RINVBNDSTS, seq));
            else out.push(this.onSubmit(pdu, seq));
            break;
          default:
            out.push(header(GENERIC_NACK, ESME_RINVCMDID, seq));
        }
      }
      if (out.length === 1) socket.write(out[0]);
      else if (out.length > 1) socket.write(Buffer.concat(out));
    });
  }

  /** SMPP 3.4 §4.4.1 mandatory parameters; the answer is submit_sm_resp with a message_id. */
  private onSubmit(pdu: Buffer, seq: number): Buffer {
    const r = { o: HEADER };
    cstring(pdu, r); // service_type
    r.o += 2;
    const source = cstring(pdu, r);
    r.o += 2;
    const to = cstring(pdu, r);
    const esm = pdu[r.o];
    r.o += 3; // esm_class, protocol_id, priority_flag
    cstring(pdu, r); // schedule_delivery_time
    cstring(pdu, r); // validity_period
    r.o += 4; // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
    const smLength = pdu[r.o];
    r.o += 1;
    if (source === undefined || to === undefined || smLength === undefined || r.o + smLength > pdu.length) {
      return header(RESP | CMD.submit_sm, ESME_RINVCMDLEN, seq);
    }
    this.submits += 1;
    const sm = new Uint8Array(pdu.buffer, pdu.byteOffset + r.o, smLength);
    let resp: Buffer = withBody(RESP | CMD.submit_sm, 0, seq, String(this.nextId++));
    try {
      const ud = decodeSmsUserData(sm, (esm & 0x40) !== 0);
      const a = this.reassembler.add(`${source}|${to}`, ud);
      if (a.status === 'complete') {
        const push = decodeWspPush(a.message.payload);
        const received: ReceivedPush = {
          to,
          pdu: decodeMms(push.body),
          raw: push.body,
          segments: a.message.segments.length,
        };
        queueMicrotask(() => this.emit('push', received));
      }
    } catch (e) {
      this.emit('bad-push', e);
      resp = header(RESP | CMD.submit_sm, ESME_RSYSERR, seq);
    }
    return resp;
  }
}

function header(id: number, status: number, seq: number): Buffer {
  const b = Buffer.allocUnsafe(HEADER);
  b.writeUInt32BE(HEADER, 0);
  b.writeUInt32BE(id >>> 0, 4);
  b.writeUInt32BE(status, 8);
  b.writeUInt32BE(seq, 12);
  return b;
}

/** A response whose body is one C-Octet String (system_id, message_id). */
function withBody(id: number, status: number, seq: number, text: string): Buffer {
  const len = HEADER + text.length + 1;
  const b = Buffer.allocUnsafe(len);
  b.writeUInt32BE(len, 0);
  b.writeUInt32BE(id >>> 0, 4);
  b.writeUInt32BE(status, 8);
  b.writeUInt32BE(seq, 12);
  b.write(text, HEADER, 'latin1');
  b[len - 1] = 0;
  return b;
}

/** Reads a NUL-terminated string at r.o (advancing past the NUL); undefined when the NUL is missing. */
function cstring(pdu: Buffer, r: { o: number }): string | undefined {
  const end = pdu.indexOf(0, r.o);
  if (end < 0) {
    r.o = pdu.length + 1;
    return undefined;
  }
  const s = pdu.toString('latin1', r.o, end);
  r.o = end + 1;
  return s;
}
