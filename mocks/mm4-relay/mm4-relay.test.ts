import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Timeline } from '../../src/wire/timeline.ts';
import { Mm4Relay, type RelayFault } from './mm4-relay.ts';

/** A minimal SMTP receiver (RFC 5321 §4.3.2 replies), noting each message it took. */
function receiver(): Promise<{ server: net.Server; port: number; taken: string[] }> {
  const taken: string[] = [];
  const server = net.createServer((s) => {
    let buf = '';
    let data: string[] | undefined;
    s.write('220 b ready\r\n');
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let eol = buf.indexOf('\r\n'); eol >= 0; eol = buf.indexOf('\r\n')) {
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        if (data) {
          if (line === '.') {
            taken.push(data.join('\n'));
            data = undefined;
            s.write('250 taken\r\n');
          } else data.push(line);
        } else if (/^DATA$/i.test(line)) {
          data = [];
          s.write('354 go on\r\n');
        } else if (/^QUIT$/i.test(line)) s.end('221 bye\r\n');
        else s.write('250 ok\r\n');
      }
    });
    s.on('error', () => undefined);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port, taken }),
    ),
  );
}

/**
 * Sends one mail through the relay, the message only after the 354 (RFC 5321 §4.1.1.4: a client
 * waits for it); resolves to every reply line the sender saw before the close.
 */
function send(port: number, subject: string): Promise<string[]> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    const seen: string[] = [];
    c.on('data', (d: Buffer) => {
      const lines = d.toString('latin1').split('\r\n').filter(Boolean);
      seen.push(...lines);
      if (lines.some((l) => l.startsWith('354')))
        c.write(`X-Mms-Message-Type: MM4_forward.REQ\r\nSubject: ${subject}\r\n\r\nhello\r\n.\r\n`);
      if (lines.some((l) => l.startsWith('250 taken'))) c.write('QUIT\r\n');
    });
    c.on('error', () => undefined);
    c.on('close', () => resolve(seen));
    c.write('EHLO a\r\nMAIL FROM:<+1555000/TYPE=PLMN@a>\r\nRCPT TO:<+1555777/TYPE=PLMN@b>\r\nDATA\r\n');
  });
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function through(fault?: RelayFault) {
  const b = await receiver();
  const relay = new Mm4Relay(new Timeline(), [
    { from: 'a', listenPort: 0, upstream: { host: '127.0.0.1', port: b.port } },
  ]);
  const [port] = await relay.start();
  open.push(b.server, { close: () => void relay.stop() });
  if (fault)
    relay.addFault((m) => (/Subject: faulty/.test(Buffer.from(m.data).toString()) ? fault : undefined));
  return { b, relay, port };
}

describe('MM4 relay faults', () => {
  it('passes a mail on unchanged when no rule names it', async () => {
    const { b, relay, port } = await through('cut');
    const seen = await send(port, 'fine');
    expect(seen).toContain('250 taken');
    expect(b.taken).toHaveLength(1);
    expect(relay.mails.map((m) => [m.dataReply?.code, m.fault])).toEqual([[250, undefined]]);
    expect(relay.mails[0].startT).toBeLessThanOrEqual(relay.mails[0].t);
  });

  it('cut: the end of data never reaches the receiver and the sender gets no answer', async () => {
    const { b, relay, port } = await through('cut');
    const seen = await send(port, 'faulty');
    expect(seen).not.toContain('250 taken');
    expect(b.taken).toEqual([]);
    expect(relay.mails.map((m) => [m.dataReply?.code, m.fault])).toEqual([[undefined, 'cut']]);
  });

  it('lose-reply: the receiver takes the mail, its 250 never reaches the sender', async () => {
    const { b, relay, port } = await through('lose-reply');
    const seen = await send(port, 'faulty');
    expect(seen).not.toContain('250 taken');
    expect(b.taken).toHaveLength(1);
    expect(relay.mails.map((m) => [m.dataReply?.code, m.fault])).toEqual([[250, 'lose-reply']]);
  });
});
