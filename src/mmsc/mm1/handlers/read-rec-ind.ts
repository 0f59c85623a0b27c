import { getHeader } from '../../../codec/mms/index.ts';
import { deviates } from '../../deviations.ts';
import { parseMmsAddress } from '../../mm5/address.ts';
import {
  EMPTY_ANSWER,
  type Mm1Answer,
  type Mm1Context,
  type Mm1Request,
  plainAnswer,
} from '../mm1-handler.ts';
import { textOf } from '../pdus.ts';

/** m-read-rec-ind (ENC §6.7.1): a read report from the recipient, relayed as m-read-orig-ind. */
export async function readRecInd(ctx: Mm1Context, { pdu, subscriber }: Mm1Request): Promise<Mm1Answer> {
  const { core } = ctx;
  const id = textOf(getHeader(pdu, 'Message-ID')) ?? '';
  const status = textOf(getHeader(pdu, 'X-Mms-Read-Status'));
  if (!status) return plainAnswer(400, 'X-Mms-Read-Status missing');
  const message = core.store.get(id);
  if (!message) return plainAnswer(404, `unknown Message-ID ${id}`);
  const from = textOf(getHeader(pdu, 'From'));
  const who =
    subscriber ??
    (from
      ? parseMmsAddress(from)?.kind === 'plmn'
        ? (parseMmsAddress(from) as { digits: string }).digits
        : undefined
      : undefined);
  let index = message.recipients.findIndex((r) => r.msisdn !== undefined && r.msisdn === who);
  if (index < 0 && deviates(core.config, 'read-report-from-anyone')) index = 0;
  if (index < 0) return plainAnswer(403, 'not a recipient of this message');
  if (deviates(core.config, 'no-read-report')) return EMPTY_ANSWER;
  await core.readReport(message.id, index, status);
  return EMPTY_ANSWER;
}
