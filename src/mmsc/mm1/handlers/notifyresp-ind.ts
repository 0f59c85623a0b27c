import { getHeader } from '../../../codec/mms/index.ts';
import { flowTrace } from '../../flow-trace.ts';
import { OPEN_STATUSES } from '../../store/message-store.ts';
import {
  EMPTY_ANSWER,
  type Mm1Answer,
  type Mm1Context,
  type Mm1Request,
  plainAnswer,
} from '../mm1-handler.ts';
import { textOf } from '../pdus.ts';
import { recipientOfTransaction } from './recipient-of-transaction.ts';

const NEXT_STATUS: Record<string, 'retrieved' | 'rejected' | 'deferred' | 'unrecognised'> = {
  Retrieved: 'retrieved',
  Rejected: 'rejected',
  Deferred: 'deferred',
  Unrecognised: 'unrecognised',
};

/** m-notifyresp-ind (ENC §6.2.2; CTR §8.2): the client's answer to the notification. */
export async function notifyRespInd(ctx: Mm1Context, { pdu, subscriber }: Mm1Request): Promise<Mm1Answer> {
  const { core } = ctx;
  const r = recipientOfTransaction(core, pdu, subscriber);
  if ('error' in r) return plainAnswer(r.error ?? 400, r.text ?? '');
  const status = textOf(getHeader(pdu, 'X-Mms-Status'));
  const next = status ? NEXT_STATUS[status] : undefined;
  if (!next)
    return plainAnswer(400, `X-Mms-Status ${status ?? '(missing)'} is not valid in m-notifyresp-ind`);
  flowTrace?.mark(r.found.message.id, 'notifyRecv');
  const reportAllowed = getHeader(pdu, 'X-Mms-Report-Allowed') !== 'No';
  const clientVersion = textOf(getHeader(pdu, 'X-Mms-MMS-Version'));
  // A late Deferred after the retrieval must not undo it.
  await core.setRecipientStatus(r.found.message.id, r.found.index, next, {
    reportAllowed,
    ...(clientVersion ? { clientVersion } : {}),
    onlyFrom: next === 'deferred' ? ['pending', 'notified'] : OPEN_STATUSES,
  });
  flowTrace?.mark(r.found.message.id, 'notifyStored');
  return EMPTY_ANSWER;
}
