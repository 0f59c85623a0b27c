import { getHeader } from '../../../codec/mms/index.ts';
import { deviates } from '../../deviations.ts';
import {
  EMPTY_ANSWER,
  type Mm1Answer,
  type Mm1Context,
  type Mm1Request,
  plainAnswer,
} from '../mm1-handler.ts';
import { textOf } from '../pdus.ts';

/** m-cancel-conf (MMS 1.3): the client's answer to our m-cancel-req, noted and acknowledged (204). */
export async function cancelConf(ctx: Mm1Context, { pdu }: Mm1Request): Promise<Mm1Answer> {
  const transactionId = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
  if (deviates(ctx.core.config, 'cancel-conf-refused')) return plainAnswer(400, 'unexpected PDU');
  ctx.core.observer.event('MM1', 'cancel-confirmed', {
    transactionId,
    status: textOf(getHeader(pdu, 'X-Mms-Cancel-Status')) ?? '',
  });
  return EMPTY_ANSWER;
}
