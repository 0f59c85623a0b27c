import { z } from 'zod';
import type { Mm7VersionId } from '../../src/codec/mm7/index.ts';
import { MM7_VERSIONS } from '../../src/codec/mm7/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { parsePeerConfig } from '../mail/peer-config.ts';
import type { VaspConfig } from './vasp.ts';

const VERSION_IDS = MM7_VERSIONS.map((v) => v.id) as [Mm7VersionId, ...Mm7VersionId[]];

export const VASP_CONFIG = z
  .object({
    name: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    path: z.string().startsWith('/'),
    target: z.string().startsWith('http://'),
    user: z.string(),
    pass: z.string(),
    vaspId: z.string().min(1),
    vasId: z.string().min(1),
    senderAddress: z.string().min(1),
    shortCodes: z.array(z.string().min(1)),
    version: z.enum(VERSION_IDS),
    serverUsers: z.record(z.string(), z.string()),
    strict: z.boolean(),
    maxBody: z.number().int().positive(),
  })
  .partial()
  .strict();

export function vaspConfigFromJson(config: JsonObject): VaspConfig {
  return parsePeerConfig('vasp', VASP_CONFIG, config);
}
