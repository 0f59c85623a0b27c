import type { Mm4Message } from './mm4-message.ts';

/** What an MM1 → MM4 mapping needs beyond the PDU (the relay's own identity). */
export interface Mm4FromMmsContext {
  /** Domain of the recipient MMSC, appended to PLMN addresses (`+491.../TYPE=PLMN@<domain>`). */
  recipientDomain: string;
  /** Domain of the originating MMSC (for Sender, Message-ID). */
  originatorDomain: string;
  transactionId: string;
  messageId: string;
  /** X-Mms-3GPP-MMS-Version to announce, default 6.16.0. */
  version?: string;
  date?: Date;
}

/** Placeholder until src/codec/mms lands; replaced by the real mapping. */
export function mm4FromMms(_pdu: unknown, _ctx: Mm4FromMmsContext): Mm4Message {
  throw new Error('mm4FromMms: not implemented yet');
}

export function mmsFromMm4(_msg: Mm4Message): unknown {
  throw new Error('mmsFromMm4: not implemented yet');
}
