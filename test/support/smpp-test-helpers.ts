import * as net from 'node:net';
import * as smpp from 'smpp';

/**
 * Test helpers for the SMSC: an smpp-package ESME with promise-returning calls, and a raw TCP
 * client for sending deliberately broken octets.
 */
export interface Esme {
  session: smpp.Session;
  call(command: string, options?: Record<string, unknown>): Promise<smpp.PDU>;
  /** PDUs the SMSC sent on its own (deliver_sm...), answered with `_resp` automatically. */
  inbox: smpp.PDU[];
  next(command: string, timeoutMs?: number): Promise<smpp.PDU>;
  closed: Promise<void>;
  close(): void;
}

export async function connectEsme(port: number): Promise<Esme> {
  const session = smpp.connect({ url: `smpp://127.0.0.1:${port}` });
  session.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  const inbox: smpp.PDU[] = [];
  const waiters: Array<{ command: string; resolve: (p: smpp.PDU) => void }> = [];
  session.on('pdu', (pdu: smpp.PDU) => {
    if (pdu.isResponse()) return;
    session.send(pdu.response());
    const i = waiters.findIndex((w) => w.command === pdu.command);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(pdu);
    else inbox.push(pdu);
  });
  const closed = new Promise<void>((resolve) => session.on('close', () => resolve()));
  return {
    session,
    inbox,
    closed,
    call: (command, options = {}) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response to ${command}`)), 5000);
        session.send(new smpp.PDU(command, options), (resp) => {
          clearTimeout(timer);
          resolve(resp);
        });
      }),
    next: (command, timeoutMs = 5000) => {
      const i = inbox.findIndex((p) => p.command === command);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const w = {
          command,
          resolve: (p: smpp.PDU) => {
            clearTimeout(timer);
            resolve(p);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no ${command} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close: () => session.destroy(),
  };
}

/** A raw TCP client: write octets, read whole SMPP PDUs back (or see the close). */
export interface RawClient {
  write(b: Uint8Array): void;
  /** The next whole PDU from the server, or 'closed'. */
  next(timeoutMs?: number): Promise<Buffer | 'closed'>;
  close(): void;
}

export async function connectRaw(port: number): Promise<RawClient> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buf = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | undefined;
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    wake?.();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    ended = true;
    wake?.();
  });
  const take = (): Buffer | 'closed' | undefined => {
    if (buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (buf.length >= len) {
        const pdu = buf.subarray(0, len);
        buf = buf.subarray(len);
        return pdu;
      }
    }
    return ended ? 'closed' : undefined;
  };
  return {
    write: (b) => socket.write(b),
    next: async (timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = take();
        if (got) return got;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('raw client: nothing received');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    },
    close: () => socket.destroy(),
  };
}

/** An SMPP PDU from header fields and a body. */
export function rawPdu(
  commandId: number,
  seq: number,
  body: Uint8Array = new Uint8Array(),
  lengthOverride?: number,
): Buffer {
  const b = Buffer.alloc(16 + body.length);
  b.writeUInt32BE(lengthOverride ?? b.length, 0);
  b.writeUInt32BE(commandId >>> 0, 4);
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(seq, 12);
  Buffer.from(body).copy(b, 16);
  return b;
}

export function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);
}

/** A bind_transceiver body. */
export function bindBody(systemId: string, password: string): Buffer {
  return Buffer.concat([cstr(systemId), cstr(password), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')]);
}

/** A hand-built m-notification-ind (OMA-TS-MMS_ENC-V1_3 §6.2), independent of src/codec/mms. */
export function notificationInd(
  tid: string,
  contentLocation: string,
  from = '+15550002/TYPE=PLMN',
): Uint8Array {
  const fromBytes = cstr(from);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x8c, 0x82]), // X-Mms-Message-Type: m-notification-ind
      Buffer.from([0x98]),
      cstr(tid), // X-Mms-Transaction-Id
      Buffer.from([0x8d, 0x92]), // X-Mms-MMS-Version: 1.2
      Buffer.from([0x89, fromBytes.length + 1, 0x80]),
      fromBytes, // From: Address-present-token + address
      Buffer.from([0x8a, 0x80]), // X-Mms-Message-Class: Personal
      Buffer.from([0x8e, 0x02, 0x0b, 0xb8]), // X-Mms-Message-Size: 3000
      Buffer.from([0x88, 0x05, 0x81, 0x03, 0x01, 0x51, 0x80]), // X-Mms-Expiry: relative 86400 s
      Buffer.from([0x83]),
      cstr(contentLocation), // X-Mms-Content-Location
    ]),
  );
}
