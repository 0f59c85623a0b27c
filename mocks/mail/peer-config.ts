import type { z } from 'zod';
import type { JsonObject } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';

/** Parses a peer's JSON config with a zod schema; the first issue becomes a PeerConfigError. */
export function parsePeerConfig<S extends z.ZodType>(
  peer: string,
  schema: S,
  config: JsonObject,
): z.infer<S> {
  const r = schema.safeParse(config);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new PeerConfigError(peer, `config ${where}${issue.message}`);
}
