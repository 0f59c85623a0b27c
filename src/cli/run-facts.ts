import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult } from '../harness/run-result.ts';

/** The checkout mmscert runs from (src/cli/ is two levels below it). */
const ROOT = path.resolve(import.meta.dirname, '../..');

/** The tool's name, package version and, when it runs from a git checkout, its commit. */
export function toolFacts(root = ROOT): NonNullable<RunResult['tool']> {
  let version = 'unknown';
  try {
    version = String(
      (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown }).version,
    );
  } catch {
    // not beside its package.json (a bundle copied elsewhere): version unknown
  }
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', timeout: 5000 });
  const commit = git.status === 0 ? git.stdout.trim() : '';
  return { name: 'mmscert', version, ...(/^[0-9a-f]{40}$/.test(commit) ? { commit } : {}) };
}

export function machineFacts(): NonNullable<RunResult['machine']> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
  };
}
