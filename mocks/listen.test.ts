import * as http from 'node:http';
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { answerClientErrors, closeHttpServer, listen } from './listen.ts';

/** Raw request on a fresh connection; resolves with everything the server sent before closing. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (d) => {
      out += d.toString('latin1');
    });
    s.on('error', reject);
    s.on('close', () => resolve(out));
  });
}

describe('listen / closeHttpServer / answerClientErrors', () => {
  it('binds an ephemeral port on 127.0.0.1 and rejects a second bind of the same port', async () => {
    const a = http.createServer((_q, r) => r.end('ok'));
    const port = await listen(a, 0, '127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect((a.address() as net.AddressInfo).port).toBe(port);
    const b = net.createServer();
    await expect(listen(b, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(b.listenerCount('error')).toBe(0);
    await closeHttpServer(a);
    expect(a.listening).toBe(false);
  });

  it('answers malformed HTTP with 400, reports it, and keeps serving', async () => {
    const seen: string[] = [];
    const server = http.createServer((_q, r) => r.end('fine'));
    answerClientErrors(server, (e) => seen.push(e.code ?? e.message));
    const port = await listen(server, 0, '127.0.0.1');
    const bad = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(seen).toEqual(['HPE_INVALID_METHOD']);
    const good = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(good).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*fine$/);
    await closeHttpServer(server);
  });

  it('closeHttpServer ends a kept-alive connection instead of waiting for it', async () => {
    const server = http.createServer((_q, r) => r.end('x'));
    const port = await listen(server, 0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', resolve))
        .on('error', reject);
    });
    await closeHttpServer(server);
    expect(server.listening).toBe(false);
    agent.destroy();
  });
});
