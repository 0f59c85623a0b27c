import type { JsonObject } from '../../util/json.ts';
import type { Mm7Message } from './mm7-message.ts';

export function mm7ToJson(_msg: Mm7Message): JsonObject {
  throw new Error('not implemented yet');
}
