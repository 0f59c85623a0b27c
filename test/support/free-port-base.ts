import * as net from 'node:net';
import { reservePort } from '../../src/harness/targets/reserve-port.ts';
import { selfCertificationPorts } from '../../src/harness/targets/self-certification.ts';

/**
 * A port base whose self-certification ports (the MMSC's and our peers', see
 * selfCertificationPorts) are all free now: a test starting `mmscert serve` on fixed ports never
 * takes a block another test file (vitest runs two at once) or process holds.
 */
export async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await reservePort();
    const ports = Object.values(selfCertificationPorts(base));
    if (Math.max(...ports) > 65_535) continue;
    const free = await Promise.all(
      ports.map(
        (p) =>
          new Promise<boolean>((resolve) => {
            const s = net.createServer();
            s.once('error', () => resolve(false));
            s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port block');
}
