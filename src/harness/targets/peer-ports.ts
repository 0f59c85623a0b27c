import dgram from 'node:dgram';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import type { JsonObject } from '../../util/json.ts';
import { TargetError } from '../target.ts';

/**
 * The fixed ports of the target config's `peers:` (every key ending in `port`/`Port` with an
 * integer value): where the target was told our SMSC, HLR, remote MMSC, MTA and VASP listen.
 * Checked free before any case runs, so a port held by another process is one clear error
 * naming the port, the peer and (best effort, Linux /proc) the process holding it, instead of
 * every case failing to start its peer.
 */
export interface PeerPort {
  peer: string;
  key: string;
  port: number;
  transport: 'tcp' | 'udp';
}

export function peerPorts(peers: Readonly<Record<string, JsonObject>>): PeerPort[] {
  const out: PeerPort[] = [];
  for (const [peer, cfg] of Object.entries(peers)) {
    for (const [key, v] of Object.entries(cfg ?? {})) {
      if (!/port$/i.test(key) || typeof v !== 'number' || !Number.isInteger(v) || v <= 0) continue;
      out.push({ peer, key, port: v, transport: 'tcp' });
      // the DNS server of the HLR peer answers on UDP and TCP on the same port (RFC 1035 §4.2)
      if (/dns/i.test(key)) out.push({ peer, key, port: v, transport: 'udp' });
    }
  }
  return out;
}

/** Why binding 127.0.0.1:port fails (undefined: free). */
export function bindProblem(port: number, transport: 'tcp' | 'udp'): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (transport === 'udp') {
      const s = dgram.createSocket('udp4');
      s.once('error', (e: NodeJS.ErrnoException) => {
        s.close();
        resolve(e.code ?? e.message);
      });
      s.bind({ address: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(undefined)));
      return;
    }
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}

/** Socket inodes bound to local `port` in /proc/net/{tcp,tcp6} or {udp,udp6}. */
export function socketInodes(port: number, transport: 'tcp' | 'udp', procRoot = '/proc'): Set<string> {
  const inodes = new Set<string>();
  for (const f of transport === 'tcp' ? ['tcp', 'tcp6'] : ['udp', 'udp6']) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/net/${f}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const local = cols[1];
      const hexPort = local.slice(local.lastIndexOf(':') + 1);
      // TCP: only the listener (state 0A) holds the port for a bind; UDP: any bound socket
      if (Number.parseInt(hexPort, 16) !== port) continue;
      if (transport === 'tcp' && cols[3] !== '0A') continue;
      if (cols[9] !== '0') inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** `pid 1234 (node serve.js)` for the process holding one of these socket inodes, best effort. */
export function processHolding(inodes: ReadonlySet<string>, procRoot = '/proc'): string | undefined {
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (!m || !inodes.has(m[1])) continue;
      let cmd = '';
      try {
        cmd = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      } catch {
        // gone meanwhile
      }
      cmd = cmd.replace(/\s+/g, ' ').trim();
      return `pid ${pid}${cmd ? ` (${cmd.length > 120 ? `${cmd.slice(0, 117)}...` : cmd})` : ''}`;
    }
  }
  return undefined;
}

export interface TakenPort extends PeerPort {
  problem: string;
  holder?: string;
}

/** The fixed peer ports that cannot be bound now, each with who holds it when findable. */
export async function takenPeerPorts(peers: Readonly<Record<string, JsonObject>>): Promise<TakenPort[]> {
  const taken: TakenPort[] = [];
  for (const p of peerPorts(peers)) {
    const problem = await bindProblem(p.port, p.transport);
    if (!problem) continue;
    const holder = problem === 'EADDRINUSE' ? processHolding(socketInodes(p.port, p.transport)) : undefined;
    taken.push({ ...p, problem, ...(holder ? { holder } : {}) });
  }
  return taken;
}

export function describeTaken(t: TakenPort): string {
  const why = t.problem === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${t.problem})`;
  const who = t.holder
    ? ` by ${t.holder}`
    : t.problem === 'EADDRINUSE'
      ? ' (holder not found: another user, or not Linux)'
      : '';
  return `port ${t.port}/${t.transport} of peer ${t.peer} (peers.${t.peer}.${t.key}) ${why}${who}`;
}

/** One TargetError for every taken fixed peer port (nothing to do when all are free). */
export async function assertPeerPortsFree(peers: Readonly<Record<string, JsonObject>>): Promise<void> {
  const taken = await takenPeerPorts(peers);
  if (taken.length === 0) return;
  throw new TargetError(
    `${taken.length === 1 ? 'a fixed peer port is' : `${taken.length} fixed peer ports are`} taken, nothing run:\n` +
      `${taken.map((t) => `  ${describeTaken(t)}`).join('\n')}\n` +
      '  the target was provisioned to reach our peers there: stop what holds the port, or change the port in the config and in the target',
  );
}
