import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CpuProfileLike,
  CpuSampler,
  componentOf,
  moduleResolver,
  profileFigures,
  sharesOf,
} from './cpu-share.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const url = (rel: string) => pathToFileURL(path.join(ROOT, rel)).href;

describe('componentOf', () => {
  it('names peers by their folder, handsets as ue.*, the embedded MMSC and the generator', () => {
    expect(componentOf('mocks/smsc/smsc-peer.ts')).toBe('smsc');
    expect(componentOf('mocks/wap-gateway/ppg.ts')).toBe('wap-gateway');
    expect(componentOf('mocks/ue/exchanges/send.ts')).toBe('ue.*');
    expect(componentOf('src/mmsc/mm1/handlers/send.ts')).toBe('mmsc');
    expect(componentOf('src/load/flows.ts')).toBe('generator');
    // shared code counts for its caller
    expect(componentOf('src/codec/mms/decode.ts')).toBeUndefined();
    expect(componentOf('mocks/peer-shell.ts')).toBeUndefined();
    expect(componentOf('node_modules/smpp')).toBeUndefined();
  });
});

describe('moduleResolver', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cpu-share-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps a source URL to its repository path, a package to its name', () => {
    const of = moduleResolver();
    expect(of(url('mocks/smsc/smsc-peer.ts'), 10)).toBe('mocks/smsc/smsc-peer.ts');
    expect(of(url('node_modules/smtp-server/lib/smtp-connection.js'), 1)).toBe('node_modules/smtp-server');
    expect(of('node:net', 1)).toBe('node:net');
    expect(of('', 0)).toBeUndefined();
  });

  it("maps a line of a bundle chunk to the module esbuild's `// path` comment opened", () => {
    const bundle = path.join(dir, 'node_modules', '.cache', 'mmscert', 'bundle-x', 'chunk-A.mjs');
    const lines = [
      'import x from "y";',
      '',
      '// mocks/smsc/smsc-peer.ts',
      'a();',
      '',
      '// src/mmsc/store.ts',
      'b();',
    ];
    mkdirSync(path.dirname(bundle), { recursive: true });
    writeFileSync(bundle, lines.join('\n'));
    const of = moduleResolver();
    const u = pathToFileURL(bundle).href;
    expect(of(u, 0)).toBeUndefined();
    expect(of(u, 3)).toBe('mocks/smsc/smsc-peer.ts');
    expect(of(u, 6)).toBe('src/mmsc/store.ts');
  });
});

describe('sharesOf', () => {
  it('gives each sample to the deepest frame of a peer, the MMSC or the generator on its stack', () => {
    const frame = (functionName: string, rel: string) => ({
      functionName,
      url: rel ? (rel.startsWith('node:') ? rel : url(rel)) : '',
      lineNumber: 0,
    });
    const profile: CpuProfileLike = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 7, 8, 9] },
        { id: 2, callFrame: frame('onData', 'mocks/smsc/smsc-session.ts'), children: [3] },
        { id: 3, callFrame: frame('decodePdu', 'src/codec/smpp/decode.ts'), children: [4] },
        // the MMSC's code called from the SMSC's (in one process): counts for the MMSC
        { id: 4, callFrame: frame('onDeliver', 'src/mmsc/notify/submit-sm.ts') },
        { id: 5, callFrame: frame('onStreamRead', 'node:internal/stream_base_commons'), children: [6] },
        { id: 6, callFrame: frame('send', 'mocks/ue/exchanges/send.ts') },
        { id: 7, callFrame: frame('(garbage collector)', '') },
        { id: 8, callFrame: frame('(idle)', '') },
        { id: 9, callFrame: frame('parserOnHeaders', 'node:_http_common') },
      ],
      samples: [3, 3, 4, 6, 7, 8, 8, 8, 9, 3],
      timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    };
    const { shares, busy } = profileFigures(profile);
    expect(busy).toBeCloseTo(7 / 10);
    expect(sharesOf(profile)).toEqual(shares);
    const by = Object.fromEntries(shares.map((s) => [s.component, s.ms]));
    expect(by).toEqual({ smsc: 3, mmsc: 1, 'ue.*': 1, gc: 1, other: 1 });
    // idle is not busy time
    expect(shares.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1);
    expect(shares[0]).toMatchObject({ component: 'smsc', share: 3 / 7 });
  });
});

describe('CpuSampler', () => {
  it("samples this process's own code while it runs", async () => {
    const s = await CpuSampler.start(200);
    const until = performance.now() + 60;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const { shares, busy } = await s.stop();
    expect(x).toBeGreaterThan(0);
    expect(shares.reduce((a, c) => a + c.ms, 0)).toBeGreaterThan(10);
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThanOrEqual(1);
  });
});
