import { z } from 'zod';
import type { JsonObject } from '../../src/util/json.ts';
import type { MailMtaConfig } from './mail-mta.ts';
import { parsePeerConfig } from './peer-config.ts';

const port = z.number().int().min(0).max(65535);

export const MAIL_CONFIG = z
  .object({
    name: z.string().min(1),
    port,
    domains: z.array(z.string().min(1)).min(1),
    allowClients: z.array(z.string().min(1)),
    starttls: z.boolean(),
    users: z.record(z.string(), z.string()),
    requireAuth: z.boolean(),
    target: z.string().startsWith('smtp://'),
    maxSize: z.number().int().positive(),
  })
  .partial()
  .strict();

export function mailConfigFromJson(config: JsonObject): MailMtaConfig {
  return parsePeerConfig('mail', MAIL_CONFIG, config);
}
