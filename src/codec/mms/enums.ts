/**
 * Enumerated header values (OMA-TS-MMS_ENC-V1_3 §7.3): octet → spec token. Reverse maps are derived.
 * Tokens are the spec's words, hyphenated as in the value names of §7.3.
 */
export type EnumTable = Readonly<Record<number, string>>;

export const YES_NO: EnumTable = { 128: 'Yes', 129: 'No' };
export const PRIORITY: EnumTable = { 128: 'Low', 129: 'Normal', 130: 'High' };
export const SENDER_VISIBILITY: EnumTable = { 128: 'Hide', 129: 'Show' };
export const MESSAGE_CLASS: EnumTable = {
  128: 'Personal',
  129: 'Advertisement',
  130: 'Informational',
  131: 'Auto',
};
export const RESPONSE_STATUS: EnumTable = {
  128: 'Ok',
  129: 'Error-unspecified',
  130: 'Error-service-denied',
  131: 'Error-message-format-corrupt',
  132: 'Error-sending-address-unresolved',
  133: 'Error-message-not-found',
  134: 'Error-network-problem',
  135: 'Error-content-not-accepted',
  136: 'Error-unsupported-message',
  192: 'Error-transient-failure',
  193: 'Error-transient-sending-address-unresolved',
  194: 'Error-transient-message-not-found',
  195: 'Error-transient-network-problem',
  196: 'Error-transient-partial-success',
  224: 'Error-permanent-failure',
  225: 'Error-permanent-service-denied',
  226: 'Error-permanent-message-format-corrupt',
  227: 'Error-permanent-sending-address-unresolved',
  228: 'Error-permanent-message-not-found',
  229: 'Error-permanent-content-not-accepted',
  230: 'Error-permanent-reply-charging-limitations-not-met',
  231: 'Error-permanent-reply-charging-request-not-accepted',
  232: 'Error-permanent-reply-charging-forwarding-denied',
  233: 'Error-permanent-reply-charging-not-supported',
  234: 'Error-permanent-address-hiding-not-supported',
  235: 'Error-permanent-lack-of-prepaid',
};
export const RETRIEVE_STATUS: EnumTable = {
  128: 'Ok',
  192: 'Error-transient-failure',
  193: 'Error-transient-message-not-found',
  194: 'Error-transient-network-problem',
  224: 'Error-permanent-failure',
  225: 'Error-permanent-service-denied',
  226: 'Error-permanent-message-not-found',
  227: 'Error-permanent-content-unsupported',
};
export const STATUS: EnumTable = {
  128: 'Expired',
  129: 'Retrieved',
  130: 'Rejected',
  131: 'Deferred',
  132: 'Unrecognised',
  133: 'Indeterminate',
  134: 'Forwarded',
  135: 'Unreachable',
};
export const READ_STATUS: EnumTable = { 128: 'Read', 129: 'Deleted-without-being-read' };
export const REPLY_CHARGING: EnumTable = {
  128: 'Requested',
  129: 'Requested-text-only',
  130: 'Accepted',
  131: 'Accepted-text-only',
};
export const MM_STATE: EnumTable = {
  128: 'Draft',
  129: 'Sent',
  130: 'New',
  131: 'Retrieved',
  132: 'Forwarded',
};
export const STORE_STATUS: EnumTable = {
  128: 'Success',
  192: 'Error-transient-failure',
  193: 'Error-transient-network-problem',
  224: 'Error-permanent-failure',
  225: 'Error-permanent-service-denied',
  226: 'Error-permanent-message-format-corrupt',
  227: 'Error-permanent-message-not-found',
  228: 'Error-permanent-mmbox-full',
};
export const CANCEL_STATUS: EnumTable = {
  128: 'Cancel-request-successfully-received',
  129: 'Cancel-request-corrupted',
};
export const CONTENT_CLASS: EnumTable = {
  128: 'text',
  129: 'image-basic',
  130: 'image-rich',
  131: 'video-basic',
  132: 'video-rich',
  133: 'megapixel',
  134: 'content-basic',
  135: 'content-rich',
};
export const RETRIEVAL_MODE: EnumTable = { 128: 'Manual' };

const reverseCache = new WeakMap<EnumTable, Map<string, number>>();

/** Token → octet (case-insensitive), derived from the forward table. */
export function enumCode(table: EnumTable, token: string): number | undefined {
  let rev = reverseCache.get(table);
  if (!rev) {
    rev = new Map(Object.entries(table).map(([k, v]) => [v.toLowerCase(), Number(k)]));
    reverseCache.set(table, rev);
  }
  return rev.get(token.toLowerCase());
}
