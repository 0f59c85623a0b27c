import { getHeader } from '../../../codec/mms/index.ts';
import { EMPTY_ANSWER, type Mm1Answer, type Mm1Context, type Mm1Request } from '../mm1-handler.ts';
import { textOf } from '../pdus.ts';

/** m-cancel-conf (ENC 1.3 §6.9): the client's answer to our m-cancel-req, noted and acknowledged (204). */
export async function cancelConf(ctx: Mm1Context, { pdu }: Mm1Request): Promise<Mm1Answer> {
  ctx.core.observer.event('MM1', 'cancel-confirmed', {
    transactionId: textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '',
    status: textOf(getHeader(pdu, 'X-Mms-Cancel-Status')) ?? '',
  });
  return EMPTY_ANSWER;
}
