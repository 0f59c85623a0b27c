import path from 'node:path';
import type { JsonObject } from '../../util/json.ts';
import { loadIcsFile } from '../ics/ics-file.ts';
import type { Ics } from '../ics/ics-schema.ts';
import type { Target } from '../target.ts';
import { ContainerTarget } from './container.ts';
import { EmbeddedTarget, embeddedIcs, type MmscStarter } from './embedded.ts';
import { ExternalTarget } from './external.ts';
import { PeersOnlyTarget } from './peers-only.ts';
import { loadTargetConfig, type TargetConfig } from './target-config.ts';

/**
 * The target a config describes (no config: the embedded reference MMSC). An external or container
 * target's ICS is read from `ics` (resolved against `baseDir`, the config file's folder) unless given.
 */
export function createTarget(
  config?: TargetConfig,
  opts: { starter?: MmscStarter; ics?: Ics; baseDir?: string } = {},
): Target {
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
  const ics = opts.ics ?? loadIcsFile(path.resolve(opts.baseDir ?? '.', t.ics));
  if (t.kind === 'external') return new ExternalTarget(t.endpoints, ics, peers, t.name ?? 'external MMSC');
  return new ContainerTarget({
    image: t.image,
    ports: t.ports,
    mm1Path: t.mm1Path,
    mm7Path: t.mm7Path,
    ...(t.name ? { name: t.name } : {}),
    ...(t.domain ? { domain: t.domain } : {}),
    ...(t.env ? { env: t.env } : {}),
    peers,
    ics,
  });
}

/** The ICS of the target a config describes (embedded: the reference MMSC's, derived from its config). */
export function icsOfConfig(config: TargetConfig | undefined, baseDir = '.'): Ics {
  const t = config?.target;
  if (!t || t.kind === 'embedded') return embeddedIcs(t?.kind === 'embedded' ? t.mmsc : undefined);
  if (t.kind === 'none') return embeddedIcs();
  return loadIcsFile(path.resolve(baseDir, t.ics));
}

/** Loads `--config F`: the target and, resolved next to the file, its expectations file. */
export function targetFromConfigFile(file: string): {
  target: Target;
  config: TargetConfig;
  expectations?: string;
} {
  const config = loadTargetConfig(file);
  return {
    target: createTarget(config, { baseDir: path.dirname(file) }),
    config,
    ...(config.expectations ? { expectations: path.resolve(path.dirname(file), config.expectations) } : {}),
  };
}
