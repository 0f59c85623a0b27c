import type { Json } from '../../src/util/json.ts';
import type { NotifyStatus } from './mms-pdus.ts';

/** How a handset answers a notification (OMA-TS-MMS_CTR §6.3); see handset.ts. */
export type RetrievalMode = 'immediate' | 'deferred' | 'reject';

/** What a handset keeps of each push it received (its inbox, the `inbox` action's result). */
export interface InboxEntry {
  index: number;
  /** What arrived by push: m-notification-ind, m-delivery-ind, m-read-orig-ind... */
  type: string;
  transactionId?: string;
  contentLocation?: string;
  messageId?: string;
  from?: string;
  subject?: string;
  size?: number;
  state: 'notified' | 'deferred' | 'rejected' | 'retrieved' | 'retrieval-failed' | 'report';
  notifyStatus?: NotifyStatus;
  retrieved?: {
    status: number;
    messageId?: string;
    from?: string;
    subject?: string;
    contentType?: string;
    parts: number;
    size: number;
    /** Media types of parts the profile does not accept (the handset keeps the message, cannot render them). */
    unsupported: string[];
  };
  fields: Json;
}
