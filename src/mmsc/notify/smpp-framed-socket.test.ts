import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { type BadCommandLength, SmppFramedSocket } from './smpp-framed-socket.ts';

/** A socket stand-in: 'data' chunks in, writes recorded. */
function fakeSocket(): net.Socket & {
  written: Buffer[];
  pending: Buffer[];
  ended: boolean;
  destroyedNow: boolean;
} {
  const s = new EventEmitter() as unknown as net.Socket & {
    written: Buffer[];
    pending: Buffer[];
    ended: boolean;
    destroyedNow: boolean;
  };
  s.written = [];
  s.ended = false;
  s.destroyedNow = false;
  Object.assign(s, {
    corked: 0,
    cork: () => {
      (s as unknown as { corked: number }).corked += 1;
    },
    uncork: () => {
      (s as unknown as { corked: number }).corked -= 1;
      if ((s as unknown as { corked: number }).corked === 0)
        s.written.push(Buffer.concat(s.pending.splice(0)));
    },
    pending: [] as Buffer[],
    write: (b: Buffer, cb?: () => void) => {
      if ((s as unknown as { corked: number }).corked > 0) s.pending.push(b);
      else s.written.push(b);
      cb?.();
      return true;
    },
    end: () => {
      s.ended = true;
    },
    destroy: () => {
      s.destroyedNow = true;
    },
  });
  return s;
}

function header(length: number, seq: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(0x15, 4);
  b.writeUInt32BE(seq, 12);
  return b;
}

describe('SmppFramedSocket (SMPP 3.4 §3.2 framing, §4.3 invalid command_length)', () => {
  it('hands on whole and split PDUs as they came', () => {
    const raw = fakeSocket();
    const bad: BadCommandLength[] = [];
    const f = new SmppFramedSocket(raw, (b) => bad.push(b));
    const two = Buffer.concat([header(16, 1), header(16, 2)]);
    raw.emit('data', two.subarray(0, 3));
    raw.emit('data', two.subarray(3, 20));
    raw.emit('data', two.subarray(20));
    expect(Buffer.compare(f.read() as Buffer, two)).toBe(0);
    expect(bad).toEqual([]);
  });

  it.each([
    [8, 'shorter than the header'],
    [0, 'zero'],
    [16385, 'past the largest PDU'],
  ])('reports a command_length of %i (%s) once, with the sequence_number, and reads no further', (length) => {
    const raw = fakeSocket();
    const bad: BadCommandLength[] = [];
    const f = new SmppFramedSocket(raw, (b) => bad.push(b));
    raw.emit('data', Buffer.concat([header(16, 1), header(length, 9), header(16, 3)]));
    raw.emit('data', header(16, 4));
    expect(bad).toEqual([{ commandLength: length, sequenceNumber: 9 }]);
    expect((f.read() as Buffer).length).toBe(16); // only the PDU before it
  });

  it('a bad length in a header cut short has no sequence_number', () => {
    const raw = fakeSocket();
    const bad: BadCommandLength[] = [];
    new SmppFramedSocket(raw, (b) => bad.push(b));
    raw.emit('data', header(4, 5).subarray(0, 8));
    expect(bad).toEqual([{ commandLength: 4, sequenceNumber: undefined }]);
  });

  it('writes corked together leave in one socket write', async () => {
    const raw = fakeSocket();
    const f = new SmppFramedSocket(raw, () => undefined);
    f.cork();
    f.write(header(16, 1));
    f.write(header(16, 2));
    f.uncork();
    await new Promise((r) => setImmediate(r));
    expect(raw.written.map((b) => b.length)).toEqual([32]);
  });
});
