import { getHeader } from '../../../codec/mms/index.ts';
import { OPEN_STATUSES } from '../../store/message-store.ts';
import {
  EMPTY_ANSWER,
  type Mm1Answer,
  type Mm1Context,
  type Mm1Request,
  plainAnswer,
} from '../mm1-handler.ts';
import { recipientOfTransaction } from './recipient-of-transaction.ts';

/** m-acknowledge-ind (ENC §6.4): the client confirms a retrieval (deferred retrieval). */
export async function acknowledgeInd(ctx: Mm1Context, { pdu, subscriber }: Mm1Request): Promise<Mm1Answer> {
  const { core } = ctx;
  const r = recipientOfTransaction(core, pdu, subscriber);
  if ('error' in r) return plainAnswer(r.error ?? 400, r.text ?? '');
  await core.setRecipientStatus(r.found.message.id, r.found.index, 'retrieved', {
    reportAllowed: getHeader(pdu, 'X-Mms-Report-Allowed') !== 'No',
    onlyFrom: OPEN_STATUSES,
  });
  return EMPTY_ANSWER;
}
