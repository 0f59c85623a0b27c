import type { Mm7MessageType } from '../../codec/mm7/index.ts';
import type { Mm7RequestRow } from './mm7-handler.ts';
import { cancelReq } from './requests/cancel-req.ts';
import { replaceReq } from './requests/replace-req.ts';
import { submitReq } from './requests/submit-req.ts';

/**
 * The VASP -> relay requests the MM7 endpoint serves (TS 23.140 §8.7), one file each under
 * requests/: the response each gets, its handler, and how a repeated TransactionID is answered.
 * Any other request type gets RSErrorRsp 4003 (not a request a VASP sends).
 */
export const MM7_HANDLERS: Readonly<Partial<Record<Mm7MessageType, Mm7RequestRow>>> = {
  SubmitReq: { response: 'SubmitRsp', handle: submitReq, repeat: 'store' },
  CancelReq: { response: 'CancelRsp', handle: cancelReq, repeat: 'cache' },
  ReplaceReq: { response: 'ReplaceRsp', handle: replaceReq, repeat: 'cache' },
};
