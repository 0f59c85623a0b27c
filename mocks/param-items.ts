import type { SendPartSpec } from './ue/mms-pdus.ts';

/**
 * The keys of the objects inside list parameters of actions (`with: { parts: [{ ... }] }`), by
 * action and parameter, one table a peer kind (its row in mocks/peer-kinds.ts names it): what the strict suite check (src/harness/suite-strict.ts)
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
  'media',
  'contentId',
  'name',
] as const satisfies ReadonlyArray<keyof SendPartSpec>;
// and every key of SendPartSpec is listed: a key added there and not here does not compile
type Unlisted = Exclude<keyof SendPartSpec, (typeof SEND_PART_KEYS)[number]>;
export const SEND_PART_KEYS_COMPLETE: [Unlisted] extends [never] ? true : never = true;

/** Handsets (ue): the parts of `send` and `mbox`. */
export const HANDSET_PARAM_ITEMS: ParamItems = {
  send: { parts: SEND_PART_KEYS },
  mbox: { parts: SEND_PART_KEYS },
};
/** The remote MMSC: the parts of `forward` (mocks/remote-mmsc/remote-mmsc.ts forwardParts). */
export const REMOTE_MMSC_PARAM_ITEMS: ParamItems = {
  forward: { parts: ['contentType', 'content', 'charset', 'media', 'size', 'contentId', 'filename'] },
};
/** The MTA (mail): the attachments of `send` (mail-mta.ts attachmentSpec). */
export const MAIL_PARAM_ITEMS: ParamItems = {
  send: { attachments: ['filename', 'contentType', 'cid', 'content', 'size'] },
};
