import type { MmsMessageType } from '../../codec/mms/index.ts';
import { acknowledgeInd } from './handlers/acknowledge-ind.ts';
import { cancelConf } from './handlers/cancel-conf.ts';
import { deleteReq } from './handlers/delete-req.ts';
import { forwardReq } from './handlers/forward-req.ts';
import { mboxReq } from './handlers/mbox-req.ts';
import { notifyRespInd } from './handlers/notifyresp-ind.ts';
import { readRecInd } from './handlers/read-rec-ind.ts';
import { sendReq } from './handlers/send-req.ts';
import type { Mm1Handler } from './mm1-handler.ts';

/**
 * What the MMSC does with each PDU an MMS client POSTs to the Proxy-Relay (OMA-TS-MMS_CTR 1.3
 * §6-§8): one handler per message type, one file per PDU under handlers/. Any other type is not
 * a request a client sends (HTTP 400). Retrieval is a GET (handlers/retrieve-conf.ts).
 */
export const MM1_HANDLERS: Readonly<Partial<Record<MmsMessageType, Mm1Handler>>> = {
  'm-send-req': sendReq,
  'm-forward-req': forwardReq,
  'm-notifyresp-ind': notifyRespInd,
  'm-acknowledge-ind': acknowledgeInd,
  'm-read-rec-ind': readRecInd,
  'm-delete-req': deleteReq,
  'm-mbox-store-req': mboxReq('storeReq'),
  'm-mbox-view-req': mboxReq('viewReq'),
  'm-mbox-upload-req': mboxReq('uploadReq'),
  'm-mbox-delete-req': mboxReq('deleteReq'),
  'm-cancel-conf': cancelConf,
};
