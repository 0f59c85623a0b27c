import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { InteropConfigError, loadInteropConfig, loadInteropPair } from './interop-config.ts';
import {
  INTEROP_PAIR_PORT_SPAN,
  type InteropPairFiles,
  writeInteropPairFiles,
} from './interop-pair-files.ts';

let dir: string;
let pair: InteropPairFiles;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-interop-config-'));
  pair = writeInteropPairFiles(dir, { portBase: 40_000 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Rewrites a YAML file of the pair. */
function edit(file: string, f: (doc: Record<string, unknown>) => void): void {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  f(doc);
  writeFileSync(file, stringify(doc));
}

const load = () => loadInteropConfig(loadInteropPair(pair.pair));

describe('interop pair config (two external targets)', () => {
  it('reads both parties of a generated pair, each pointed at the other through its own relay port', () => {
    const cfg = load();
    expect(cfg.a.ics.provisioning.domain).toBe('mms.mnc001.mcc310.gprs');
    expect(cfg.b.ics.provisioning.domain).toBe('mms.mnc002.mcc310.gprs');
    expect(cfg.a.ics.provisioning.foreign.domain).toBe(cfg.b.ics.provisioning.domain);
    expect(cfg.b.ics.provisioning.foreign.domain).toBe(cfg.a.ics.provisioning.domain);
    expect([cfg.a.relayPort, cfg.b.relayPort]).toEqual([40_014, 40_015]);
    expect(cfg.a.mm4).toEqual({ host: '127.0.0.1', port: 40_002, url: 'smtp://127.0.0.1:40002' });
    expect(cfg.b.smsc).toEqual({ port: 40_011, systemId: 'mmsc-b', password: 'pw-b' });
    // the MMSC config of each side routes the partner's domain to that side's relay port
    const mmscA = parse(readFileSync(pair.a.mmscConfig, 'utf8')) as { mm4: { peers: unknown[] } };
    expect(mmscA.mm4.peers).toEqual([{ domain: 'mms.mnc002.mcc310.gprs', host: '127.0.0.1', port: 40_014 }]);
  });

  it('takes a list of free ports instead of a block, and refuses too few', () => {
    const ports = Array.from({ length: INTEROP_PAIR_PORT_SPAN }, (_, i) => 41_000 + 7 * i);
    const p = writeInteropPairFiles(path.join(dir, 'listed'), { ports });
    const cfg = loadInteropConfig({ a: p.a.targetConfig, b: p.b.targetConfig });
    expect(cfg.a.relayPort).toBe(ports[14]);
    expect(cfg.b.hlr).toEqual({ dnsPort: ports[12], httpPort: ports[13] });
    expect(() => writeInteropPairFiles(path.join(dir, 'short'), { ports: ports.slice(1) })).toThrow(
      RangeError,
    );
  });

  it.each([
    [
      'the same relay port on both sides',
      () =>
        edit(
          pair.b.targetConfig,
          (d) => ((d.peers as { 'remote-mmsc': { port: number } })['remote-mmsc'].port = 40_014),
        ),
      /same peers\.remote-mmsc\.port 40014/,
    ],
    [
      'a relay port that is not fixed',
      () => edit(pair.a.targetConfig, (d) => delete (d.peers as Record<string, unknown>)['remote-mmsc']),
      /A \(.*\): peers\.remote-mmsc\.port: a fixed port is needed/,
    ],
    [
      'a target that is not external',
      () => edit(pair.b.targetConfig, (d) => (d.target = { kind: 'embedded' })),
      /B \(.*\): target\.kind must be external/,
    ],
    [
      'an ICS whose partner is not the other side',
      () =>
        writeFileSync(
          pair.a.ics,
          readFileSync(pair.a.ics, 'utf8').replace(
            /domain: mms\.mnc002\.mcc310\.gprs/,
            'domain: mms.mnc009.mcc310.gprs',
          ),
        ),
      /A's ICS names mms\.mnc009\.mcc310\.gprs as its MM4 partner, but B's domain is mms\.mnc002\.mcc310\.gprs/,
    ],
  ])('refuses %s, naming it', (_what, change, message) => {
    change();
    expect(load).toThrow(InteropConfigError);
    expect(load).toThrow(message);
  });

  it('refuses a pair file that does not name exactly two targets', () => {
    writeFileSync(pair.pair, 'targets: { a: ./a.yaml }\n');
    expect(() => loadInteropPair(pair.pair)).toThrow(/targets: \{ a: A\.yaml, b: B\.yaml \}/);
  });
});
