import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMmscConfigFile } from '../../mmsc/index.ts';
import { loadIcsFile } from '../ics/ics-file.ts';
import { referenceIcs } from '../ics/reference-ics.ts';
import { TargetError } from '../target.ts';
import {
  ContainerTarget,
  containerEnvironment,
  containerRuntimeAvailable,
  peerPortEnvName,
} from './container.ts';
import { embeddedIcs } from './embedded.ts';
import { loadTargetConfig } from './target-config.ts';

/**
 * The container target (testcontainers) and the image docker/ builds. Whether an engine answers
 * is found out once; with none (this machine, CI) the engine tests skip and say why, and what a
 * user sees without one is tested instead.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-container-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const t0 = performance.now();
const runtime = await containerRuntimeAvailable();
const detectMs = Math.round(performance.now() - t0);
if (!runtime.ok) {
  console.log(
    `container target: no container engine (${runtime.reason}; detected in ${detectMs} ms): ` +
      'the image tests are skipped; the no-engine behaviour is tested instead',
  );
}

describe('peer ports passed to the container', () => {
  it('names MMSCERT_<KIND>_<KEY> in upper snake case', () => {
    expect(peerPortEnvName('smsc', 'port')).toBe('MMSCERT_SMSC_PORT');
    expect(peerPortEnvName('hlr', 'dnsPort')).toBe('MMSCERT_HLR_DNS_PORT');
    expect(peerPortEnvName('remote-mmsc', 'port')).toBe('MMSCERT_REMOTE_MMSC_PORT');
  });

  it('exposes every fixed peer port, and only those', () => {
    const { env, hostPorts } = containerEnvironment(
      { smsc: { port: 2775, systemId: 'mmsc' }, hlr: { dnsPort: 5353, httpPort: 8080 }, ue: { port: 0 } },
      { TZ: 'UTC' },
    );
    expect(hostPorts.sort()).toEqual([2775, 5353, 8080]);
    expect(env).toEqual({
      TZ: 'UTC',
      MMSCERT_PEER_HOST: 'host.testcontainers.internal',
      MMSCERT_SMSC_PORT: '2775',
      MMSCERT_HLR_DNS_PORT: '5353',
      MMSCERT_HLR_HTTP_PORT: '8080',
    });
  });
});

describe('docker/: the configs baked into the image agree with each other', () => {
  const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');

  it('the MMSC listens on 0.0.0.0 in the container, on the ports the Dockerfile exposes', async () => {
    const mmsc = await loadMmscConfigFile(path.join(repoRoot, 'docker/mmsc.yaml'));
    expect(mmsc.host).toBe('0.0.0.0');
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1].trim().split(/\s+/).map(Number).sort();
    expect(exposed).toEqual(Object.values(mmsc.ports).sort());
    // A config without `host` stays on loopback.
    const plain = path.join(dir, 'plain.yaml');
    writeFileSync(plain, 'ports: { mm1: 0 }\n');
    expect((await loadMmscConfigFile(plain)).host).toBe('127.0.0.1');
  });

  it('the MMSC is pointed at the peers of docker/peers.yaml, none of them on its own ports', async () => {
    const mmsc = await loadMmscConfigFile(path.join(repoRoot, 'docker/mmsc.yaml'));
    const { parse } = await import('yaml');
    const peers = parse(readFileSync(path.join(repoRoot, 'docker/peers.yaml'), 'utf8')).peers;
    const own = Object.values(mmsc.ports);
    if (mmsc.notification.route !== 'smpp') throw new Error('docker/mmsc.yaml: expected the SMPP route');
    expect(mmsc.notification.port).toBe(peers.smsc.port);
    expect(mmsc.notification.systemId).toBe(peers.smsc.systemId);
    expect(mmsc.mm5.enumServer).toBe(`127.0.0.1:${peers.hlr.dnsPort}`);
    expect(mmsc.mm5.hlrUrl).toBe(`http://127.0.0.1:${peers.hlr.httpPort}`);
    for (const p of mmsc.mm4.peers) {
      expect(own).not.toContain(p.port);
      expect(peers['remote-mmsc']).toMatchObject({ port: p.port, domain: p.domain });
    }
  });

  it('docker/target.yaml (the image as an external target) names the same ports', async () => {
    const mmsc = await loadMmscConfigFile(path.join(repoRoot, 'docker/mmsc.yaml'));
    const t = loadTargetConfig(path.join(repoRoot, 'docker/target.yaml'));
    if (t.target.kind !== 'external') throw new Error('docker/target.yaml: expected an external target');
    const port = (u?: string) => Number(new URL(u ?? 'x://none').port);
    expect(port(t.target.endpoints.mm1)).toBe(mmsc.ports.mm1);
    expect(port(t.target.endpoints.mm3)).toBe(mmsc.ports.mm3);
    expect(port(t.target.endpoints.mm4)).toBe(mmsc.ports.mm4);
    expect(port(t.target.endpoints.mm7)).toBe(mmsc.ports.mm7);
    expect(t.target.endpoints.domain).toBe(mmsc.domains[0]);
    // its ICS is the one derived from the image's MMSC config
    const ics = loadIcsFile(path.join(repoRoot, 'docker', t.target.ics));
    expect({ ...ics, implementation: undefined }).toEqual({
      ...referenceIcs(mmsc),
      implementation: undefined,
    });
    expect(dockerfile).toContain('COPY docker/target.ics.yaml /etc/mmscert/target.ics.yaml');
    expect(t.peers?.smsc).toMatchObject({ port: 2775, systemId: 'mmsc', password: 'secret' });
    expect(dockerfile).toContain('COPY docker/target.yaml /etc/mmscert/target.yaml');
  });
});

describe.skipIf(runtime.ok)('container target without a container engine', () => {
  const config = path.join(dir, 'container.yaml');
  writeFileSync(
    config,
    `target:\n  kind: container\n  image: mmscert:latest\n  ics: ${path.join(repoRoot, 'docker/target.ics.yaml')}\n  ports: { mm1: 8002, mm7: 8007, mm4: 2525, mm3: 2526 }\n`,
  );

  it('open() fails with a TargetError naming the reason', async () => {
    const t = new ContainerTarget({ image: 'mmscert:latest', ports: { mm1: 8002 }, ics: embeddedIcs() });
    const e = await t.open().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TargetError);
    expect((e as Error).message).toMatch(/^container target: no container engine \(.+\)$/);
  });

  it('mmscert run --config <container config>: one line on stderr, exit 2', () => {
    const r = spawnSync(
      process.execPath,
      ['bin/mmscert.js', 'run', '--config', config, 'suites/examples/mm1-smoke.yaml', '--reporter', 'json'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^mmscert: container target: no container engine \(.+\)\n$/);
  }, 60_000);
});

describe.skipIf(!runtime.ok)('container target: the image built from docker/', () => {
  it('starts, publishes MM1/MM3/MM4/MM7 on loopback and answers there', async () => {
    const { GenericContainer } = await import('testcontainers');
    const image = 'mmscert:test';
    await GenericContainer.fromDockerfile(repoRoot, 'docker/Dockerfile').build(image, {
      deleteOnExit: false,
    });
    const target = new ContainerTarget({
      image,
      ports: { mm1: 8002, mm7: 8007, mm4: 2525, mm3: 2526 },
      ics: embeddedIcs(),
    });
    await target.open();
    try {
      const session = await target.startCase({
        caseId: 'container.smoke',
        timeline: new (await import('../../wire/timeline.ts')).Timeline(),
        seed: 1,
        peers: new Map(),
        msisdns: new Map(),
      });
      const mm1 = session.endpoints.mm1 ?? '';
      expect(mm1).toMatch(/^http:\/\/127\.0\.0\.1:8002\/mms$/);
      // MM1 is POSTed; a GET of the bare path is refused (the image's HEALTHCHECK relies on it).
      expect((await fetch(mm1)).status).toBe(405);
      expect(session.endpoints.mm7).toMatch(/^http:\/\/127\.0\.0\.1:8007\/mm7$/);
    } finally {
      await target.close();
    }
  }, 600_000);
});
