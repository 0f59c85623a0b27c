import type { SendPartSpec } from './ue/mms-pdus.ts';

/**
 * The keys of the objects inside list parameters of actions (`with: { parts: [{ ... }] }`), by
 * peer kind, action and parameter: what the strict suite check (src/harness/suite-strict.ts)
 * holds each item to, so a misspelt key inside a part is refused rather than ignored. Typed
 * from the peers' own specs where they have one (type-only imports).
 */
export type ParamItems = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

const SEND_PART_KEYS = [
  'contentType',
  'text',
  'charset',
  'base64',
  'size',
  'contentId',
  'name',
] as const satisfies ReadonlyArray<keyof SendPartSpec>;
// and every key of SendPartSpec is listed: a key added there and not here does not compile
type Unlisted = Exclude<keyof SendPartSpec, (typeof SEND_PART_KEYS)[number]>;
export const SEND_PART_KEYS_COMPLETE: [Unlisted] extends [never] ? true : never = true;

/** By peer kind: action -> list parameter -> the keys its items may have. */
export const PEER_PARAM_ITEMS: Readonly<Record<string, ParamItems>> = {
  ue: { send: { parts: SEND_PART_KEYS }, mbox: { parts: SEND_PART_KEYS } },
  // mail-mta.ts attachmentSpec
  mail: { send: { attachments: ['filename', 'contentType', 'cid', 'content', 'size'] } },
};
