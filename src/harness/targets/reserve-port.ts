import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * The kernel's ephemeral port range (Linux: /proc/sys/net/ipv4/ip_local_port_range), from which
 * listen(port 0) and outgoing connect() take their ports.
 */
let range: { low: number; high: number } | undefined;
function ephemeralRange(): { low: number; high: number } {
  range ??= readEphemeralRange();
  return range;
}

/** Read once per thread: it is a sysctl, not something a run changes (was read for every port). */
function readEphemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low > 0 && high >= low) return { low, high };
  } catch {
    // not Linux: IANA's dynamic range (RFC 6335 §6), the default elsewhere
  }
  return { low: 49152, high: 65535 };
}

/** Lowest port handed out (well clear of registered services people run locally). */
const RESERVED_LOW = 10_000;
/** Ports this process handed out lately: not handed out again while the target may still bind them. */
const recent: number[] = [];
const RECENT_MAX = 4096;

let partition = { index: 0, count: 1 };

/**
 * Draws this thread's reserved ports from slice `index` of `count` equal slices of the range, so
 * the worker threads of one run (each with its own `recent` list) never hand out the same port.
 */
export function partitionReservedPorts(index: number, count: number): void {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
    throw new RangeError(`port partition ${index} of ${count}`);
  partition = { index, count };
}

function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const addr = s.address();
      const got = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(got));
    });
  });
}

/**
 * A loopback port, free at the time of asking: bound on 127.0.0.1, read, and released. Used so an
 * embedded target's endpoints are known before the peers that call it start (the reference MMSC then
 * binds exactly these). The port is drawn below the kernel's ephemeral range, so the peers, clients
 * and other targets of parallel cases (all on port 0 or connecting out) cannot take it in between;
 * only a process binding that fixed port could (another mmscert run, another test worker). A port
 * taken in between makes the MMSC's start fail with EADDRINUSE: the embedded target turns that into
 * TargetRetryableError and the runner sets the case up again on fresh ports (runner.ts
 * MAX_SETUP_ATTEMPTS), never a silent wrong wiring.
 */
export async function reservePort(): Promise<number> {
  const { low } = ephemeralRange();
  const whole = low - RESERVED_LOW;
  // this thread's slice of the range (partitionReservedPorts), or all of it
  const span = Math.floor(whole / partition.count);
  const base = RESERVED_LOW + partition.index * span;
  if (span >= 1024) {
    for (let attempt = 0; attempt < 32; attempt++) {
      const port = base + Math.floor(Math.random() * span);
      if (recent.includes(port)) continue;
      const got = await tryBind(port);
      if (got === undefined) continue;
      recent.push(got);
      if (recent.length > RECENT_MAX) recent.shift();
      return got;
    }
  }
  // no room below the ephemeral range (or it is all taken): any free port
  const got = await tryBind(0);
  if (got === undefined) throw new Error('no free loopback port');
  return got;
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
