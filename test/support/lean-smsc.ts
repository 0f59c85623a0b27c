import { EventEmitter } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { isCodecError } from '../../src/codec/codec-error.ts';
import { decodeMms } from '../../src/codec/mms/index.ts';
import { decodeSmsUserData, decodeWspPush, SmsReassembler } from '../../src/codec/push/index.ts';
import {
  COMMAND_BY_ID,
  COMMAND_BY_NAME,
  decodeSmpp,
  encodeSmpp,
  SMPP_HEADER_LENGTH,
  SMPP_MAX_PDU_LENGTH,
  SMPP_STATUS,
  type SmppPdu,
} from '../../src/codec/smpp/index.ts';
import type { ReceivedPush } from './fake-smsc.ts';

/**
 * The bench's SMSC: what FakeSmsc does for a load run (check the bind, answer submit_sm,
 * reassemble the WAP push SMS, emit each MMS PDU as a 'push'), on its own SMPP 3.4 framing and
 * src/codec/smpp instead of the smpp package's generic PDU objects, so the load generator spends its CPU on
 * the exchange rather than on the package. No throttling or refusal switches: FakeSmsc (tests)
 * has those.
 */

const HEADER = SMPP_HEADER_LENGTH;
/** SMPP 3.4 gives no maximum; the smpp package's (and mocks/smsc's) limit. */
const MAX_PDU = SMPP_MAX_PDU_LENGTH;
const RESP = 0x80000000;
const GENERIC_NACK = 0x80000000;
const cmd = (name: string) => COMMAND_BY_NAME.get(name)?.id ?? -1;
const CMD = {
  bind_receiver: cmd('bind_receiver'),
  bind_transmitter: cmd('bind_transmitter'),
  submit_sm: cmd('submit_sm'),
  unbind: cmd('unbind'),
  bind_transceiver: cmd('bind_transceiver'),
  enquire_link: cmd('enquire_link'),
} as const;
const { ESME_RINVCMDLEN, ESME_RINVCMDID, ESME_RINVBNDSTS, ESME_RBINDFAIL, ESME_RINVPASWD, ESME_RSYSERR } =
  SMPP_STATUS;

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
      const out: Uint8Array[] = [];
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
            let status: number = ESME_RBINDFAIL;
            const bind = decodeOrUndefined(pdu);
            if (bind) {
              const ok = bind.params.system_id === this.systemId && bind.params.password === this.password;
              status = ok ? 0 : ESME_RINVPASWD;
            }
            if (status === 0) bound = true;
            out.push(response(id | RESP, status, seq, { system_id: 'lean-smsc' }));
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
  private onSubmit(pdu: Buffer, seq: number): Uint8Array {
    const submit = decodeOrUndefined(pdu);
    if (!submit) return header(RESP | CMD.submit_sm, ESME_RINVCMDLEN, seq);
    const source = submit.params.source_addr as string;
    const to = submit.params.destination_addr as string;
    const esm = submit.params.esm_class as number;
    const sm = submit.params.short_message as Uint8Array;
    this.submits += 1;
    let resp = response(RESP | CMD.submit_sm, 0, seq, { message_id: String(this.nextId++) });
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

/** A header-only PDU (SMPP 3.4 §3.3: an error response carries no body). */
function header(commandId: number, status: number, seq: number): Uint8Array {
  return encodeSmpp({
    command: 'unknown',
    commandId: commandId >>> 0,
    commandStatus: status,
    sequenceNumber: seq,
  });
}

/** A response with its body (system_id, message_id), written by src/codec/smpp. */
function response(
  commandId: number,
  status: number,
  seq: number,
  params: Record<string, string>,
): Uint8Array {
  const row = COMMAND_BY_ID.get(commandId >>> 0);
  return encodeSmpp({ command: row?.name ?? 'unknown', commandStatus: status, sequenceNumber: seq, params });
}

/** The PDU, or undefined when its octets do not decode (answered with an error status). */
function decodeOrUndefined(pdu: Uint8Array): SmppPdu | undefined {
  try {
    return decodeSmpp(pdu);
  } catch (e) {
    if (isCodecError(e)) return undefined;
    throw e;
  }
}
