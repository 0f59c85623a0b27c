import net from 'node:net';

/**
 * An ephemeral loopback port, free at the time of asking: bound on 127.0.0.1 port 0, read, and
 * released. Used so an embedded target's endpoints are known before the peers that call it start
 * (the reference MMSC then binds exactly these). A port taken in between makes the MMSC's start
 * fail: an `error` verdict for that case, never a silent wrong wiring.
 */
export function reservePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections at host:port within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
