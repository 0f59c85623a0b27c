import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TargetError } from '../target.ts';
import {
  assertPeerPortsFree,
  peerPorts,
  processHolding,
  socketInodes,
  takenPeerPorts,
} from './peer-ports.ts';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function hold(): Promise<number> {
  const s = net.createServer();
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as net.AddressInfo).port;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

describe('peerPorts', () => {
  it('takes every integer key ending in port/Port; DNS ports also on UDP', () => {
    expect(
      peerPorts({
        smsc: { port: 2775, systemId: 'mmsc' },
        hlr: { dnsPort: 5353, httpPort: 8053 },
        vasp: { port: 0, path: '/mm7' },
        mail: { port: '25' as unknown as number },
      }),
    ).toEqual([
      { peer: 'smsc', key: 'port', port: 2775, transport: 'tcp' },
      { peer: 'hlr', key: 'dnsPort', port: 5353, transport: 'tcp' },
      { peer: 'hlr', key: 'dnsPort', port: 5353, transport: 'udp' },
      { peer: 'hlr', key: 'httpPort', port: 8053, transport: 'tcp' },
    ]);
  });
});

describe('takenPeerPorts', () => {
  it('finds nothing when the ports are free', async () => {
    const p = await freePort();
    expect(await takenPeerPorts({ smsc: { port: p } })).toEqual([]);
    await expect(assertPeerPortsFree({ smsc: { port: p } })).resolves.toBeUndefined();
  });

  it('names the port, the peer and the process holding it (this one), in one error', async () => {
    const p = await hold();
    const q = await freePort();
    const taken = await takenPeerPorts({ smsc: { port: p }, mail: { port: q } });
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ peer: 'smsc', key: 'port', port: p, problem: 'EADDRINUSE' });
    if (process.platform === 'linux') expect(taken[0].holder).toMatch(new RegExp(`^pid ${process.pid} \\(`));
    const e = await assertPeerPortsFree({ smsc: { port: p }, mail: { port: q } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TargetError);
    expect((e as Error).message.split('\n')[0]).toBe('a fixed peer port is taken, nothing run:');
    expect((e as Error).message).toContain(
      `port ${p}/tcp of peer smsc (peers.smsc.port) is already in use by pid ${process.pid}`,
    );
  });

  it.runIf(process.platform === 'linux')('reads the listener inode from /proc/net/tcp', async () => {
    const p = await hold();
    const inodes = socketInodes(p, 'tcp');
    expect(inodes.size).toBe(1);
    expect(processHolding(inodes)).toMatch(/^pid \d+/);
    expect(processHolding(new Set())).toBeUndefined();
  });
});
