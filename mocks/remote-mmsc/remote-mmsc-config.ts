import { z } from 'zod';
import { MM4_VALUE_SETS } from '../../src/codec/mm4/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { parsePeerConfig } from '../mail/peer-config.ts';
import type { RemoteMmscConfig } from './remote-mmsc.ts';

const port = z.number().int().min(0).max(65535);
const delay = z.number().int().min(0).max(600_000);

export const REMOTE_MMSC_CONFIG = z
  .object({
    name: z.string().min(1),
    domain: z.string().min(1),
    domains: z.array(z.string().min(1)),
    port,
    allowClients: z.array(z.string().min(1)),
    starttls: z.boolean(),
    requireTls: z.boolean(),
    users: z.record(z.string(), z.string()),
    requireAuth: z.boolean(),
    target: z.string().startsWith('smtp://'),
    targetUser: z.string(),
    targetPass: z.string(),
    targetTls: z.enum(['none', 'opportunistic', 'required']),
    version: z.string().regex(/^\d+\.\d+(\.\d+)?$/),
    autoReports: z.boolean(),
    deliveryReportDelayMs: delay,
    readReplyDelayMs: delay,
    deliveryStatus: z.enum(MM4_VALUE_SETS.mmsStatus),
    readStatus: z.enum(MM4_VALUE_SETS.readStatus),
    reportAckRequest: z.boolean(),
    maxSize: z.number().int().positive(),
  })
  .partial()
  .strict();

export function remoteMmscConfigFromJson(config: JsonObject): RemoteMmscConfig {
  return parsePeerConfig('remote-mmsc', REMOTE_MMSC_CONFIG, config);
}
