import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MMSC_CONFIG, loadMmscConfigFile, MmscConfigError, resolveMmscConfig } from './config.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-config-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('MmscConfig', () => {
  it('defaults make a runnable config', () => {
    expect(resolveMmscConfig({})).toEqual(DEFAULT_MMSC_CONFIG);
  });

  it('merges partial objects and fills route defaults', () => {
    const c = resolveMmscConfig({
      ports: { mm1: 8002 },
      notification: { route: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'mmsc', password: 'secret' },
    } as Record<string, unknown>);
    expect(c.ports).toEqual({ mm1: 8002, mm4: 0, mm7: 0, mm3: 0 });
    expect(c.notification).toMatchObject({
      route: 'smpp',
      window: 10,
      registeredDelivery: 0,
      sourceAddr: 'MMSC',
    });
  });

  it.each([
    // loopback, or 0.0.0.0 for a container's config (docker/mmsc.yaml); nothing else
    [{ host: '10.0.0.1' }, 'host'],
    [{ host: '::' }, 'host'],
    [{ ports: { mm1: 70000 } }, 'ports.mm1'],
    [
      { notification: { route: 'smpp', host: '10.0.0.1', port: 1, systemId: 'a', password: 'b' } },
      'notification',
    ],
    [{ mm5: { enumServer: '8.8.8.8:53' } }, 'mm5.enumServer'],
    [{ mmsVersion: '2.0' }, 'mmsVersion'],
    [{ bogus: 1 }, '(root)'],
  ])('refuses %j (%s)', (input, where) => {
    expect(() => resolveMmscConfig(input as Record<string, unknown>)).toThrow(MmscConfigError);
    expect(() => resolveMmscConfig(input as Record<string, unknown>)).toThrow(where);
  });

  it('reads YAML and JSON files, with or without an mmsc: section', async () => {
    expect((await loadMmscConfigFile(file('a.yaml', 'mm1Path: /x\n'))).mm1Path).toBe('/x');
    expect((await loadMmscConfigFile(file('b.json', '{"mmsc": {"mm1Path": "/y"}}'))).mm1Path).toBe('/y');
    await expect(loadMmscConfigFile(file('c.yaml', 'ports: [1\n'))).rejects.toThrow(/not valid YAML/);
    await expect(loadMmscConfigFile(path.join(dir, 'missing.yaml'))).rejects.toThrow(/ENOENT/);
  });

  it('the container config (docker/mmsc.yaml) is valid', async () => {
    const c = await loadMmscConfigFile(path.join(repoRoot, 'docker/mmsc.yaml'));
    expect(c.ports.mm1).toBe(8002);
    expect(c.notification.route).toBe('smpp');
  });
});
