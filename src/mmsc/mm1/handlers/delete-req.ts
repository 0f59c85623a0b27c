import { getHeader, getHeaders, type MmsPdu, type MmsValue } from '../../../codec/mms/index.ts';
import { tokenOfLocation } from '../../ids.ts';
import { compareVersions, lowerVersion } from '../../mmsc-core.ts';
import { isOpen, OPEN_STATUSES } from '../../store/message-store.ts';
import { type Mm1Answer, type Mm1Context, type Mm1Request, pduAnswer, plainAnswer } from '../mm1-handler.ts';
import { makePdu, textOf } from '../pdus.ts';
import { responseStatus } from '../response-status.ts';

/**
 * m-delete-req (ENC 1.3 M-Delete.req): the client discards messages it was notified of without
 * retrieving them. Each one of its own becomes `rejected` for that recipient (the location stops
 * answering; a delivery report, if asked, says Rejected); every other location is reported in
 * m-delete-conf by its index (from 0, in request order) with Error-permanent-message-not-found.
 * An MMSC speaking an earlier version than 1.3 does not know the PDU (HTTP 400).
 */
export async function deleteReq(ctx: Mm1Context, req: Mm1Request): Promise<Mm1Answer> {
  if (compareVersions(ctx.core.config.mmsVersion, '1.3') < 0)
    return plainAnswer(400, 'm-delete-req is an MMS 1.3 PDU; this MMSC speaks an earlier version');
  return pduAnswer(await deleteConf(ctx, req.pdu, req.subscriber, req.version));
}

async function deleteConf(
  ctx: Mm1Context,
  pdu: MmsPdu,
  subscriber: string | undefined,
  clientVersion: string,
): Promise<MmsPdu> {
  const { core } = ctx;
  const v = lowerVersion(clientVersion, core.config.mmsVersion);
  const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
  if (!subscriber)
    return makePdu('m-delete-conf', tid, v, [
      ['X-Mms-Response-Status', responseStatus('service-denied', v)],
      ['X-Mms-Response-Text', 'subscriber not identified'],
    ]);
  const failed: Array<[string, MmsValue]> = [];
  for (const [index, value] of getHeaders(pdu, 'X-Mms-Content-Location').entries()) {
    const location = textOf(value) ?? '';
    const token = tokenOfLocation(location);
    const found = token ? core.store.byToken(token) : undefined;
    const rcpt = found?.message.recipients[found.index];
    if (
      !found ||
      !rcpt ||
      rcpt.msisdn !== subscriber ||
      found.message.state !== 'active' ||
      !isOpen(rcpt.status)
    ) {
      failed.push(['X-Mms-Content-Location', { index, value: location }]);
      failed.push(['X-Mms-Response-Status', { index, value: responseStatus('message-not-found', v) }]);
      continue;
    }
    await core.setRecipientStatus(found.message.id, found.index, 'rejected', {
      onlyFrom: OPEN_STATUSES,
    });
  }
  return makePdu(
    'm-delete-conf',
    tid,
    v,
    failed.length === 0 ? [['X-Mms-Response-Status', responseStatus('ok', v)]] : failed,
  );
}
