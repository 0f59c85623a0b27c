import path from 'node:path';
import type { JsonObject } from '../../util/json.ts';
import type { Target } from '../target.ts';
import { ContainerTarget } from './container.ts';
import { EmbeddedTarget, type MmscStarter } from './embedded.ts';
import { ExternalTarget } from './external.ts';
import { PeersOnlyTarget } from './peers-only.ts';
import { loadTargetConfig, type TargetConfig } from './target-config.ts';

/** The target a config describes (no config: the embedded reference MMSC). */
export function createTarget(config?: TargetConfig, opts: { starter?: MmscStarter } = {}): Target {
  const peers = (config?.peers ?? {}) as Record<string, JsonObject>;
  const t = config?.target;
  if (!t || t.kind === 'embedded') {
    return new EmbeddedTarget({
      ...(opts.starter ? { starter: opts.starter } : {}),
      ...(t?.kind === 'embedded' && t.mmsc ? { mmsc: t.mmsc } : {}),
      peers,
    });
  }
  if (t.kind === 'none') return new PeersOnlyTarget();
  if (t.kind === 'external') return new ExternalTarget(t.endpoints, peers, t.name ?? 'external MMSC');
  return new ContainerTarget({
    image: t.image,
    ports: t.ports,
    mm1Path: t.mm1Path,
    mm7Path: t.mm7Path,
    ...(t.name ? { name: t.name } : {}),
    ...(t.domain ? { domain: t.domain } : {}),
    ...(t.env ? { env: t.env } : {}),
    peers,
  });
}

/** Loads `--config F`: the target and, resolved next to the file, its expectations file. */
export function targetFromConfigFile(file: string): {
  target: Target;
  config: TargetConfig;
  expectations?: string;
} {
  const config = loadTargetConfig(file);
  return {
    target: createTarget(config),
    config,
    ...(config.expectations ? { expectations: path.resolve(path.dirname(file), config.expectations) } : {}),
  };
}
