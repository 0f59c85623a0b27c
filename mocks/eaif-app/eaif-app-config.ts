import { z } from 'zod';
import type { JsonObject } from '../../src/util/json.ts';
import { parsePeerConfig } from '../mail/peer-config.ts';

export const EAIF_APP_CONFIG = z
  .object({
    name: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    /** Path the application's EAIF server answers on (default `/eaif`). */
    path: z.string().startsWith('/'),
    /** The target MMSC's EAIF URL, `http://127.0.0.1:8007/eaif`. */
    target: z.string().startsWith('http://'),
    /** HTTP Basic credentials towards the target. */
    user: z.string(),
    pass: z.string(),
    /** The short codes this application serves (messages to them come in as MultiMediaMessage). */
    shortCodes: z.array(z.string().min(1)),
    /** X-NOKIA-MMSC-Version of what it sends (default 1.0). */
    version: z.string().regex(/^\d+\.\d+$/),
    /** The HTTP status its server answers with (default 204 No Content, as Mbuni's application side). */
    answerStatus: z.number().int().min(200).max(599),
    /** Require HTTP Basic auth on its server with these users. */
    serverUsers: z.record(z.string(), z.string()),
    /** Largest request body its server takes (default 16 MiB). */
    maxBody: z.number().int().positive(),
  })
  .partial()
  .strict();

export type EaifAppConfig = z.infer<typeof EAIF_APP_CONFIG>;

export function eaifAppConfigFromJson(config: JsonObject): EaifAppConfig {
  return parsePeerConfig('eaif-app', EAIF_APP_CONFIG, config);
}
