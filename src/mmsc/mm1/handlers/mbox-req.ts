import { getHeader, type MmsPdu, type MmsValue } from '../../../codec/mms/index.ts';
import { compareVersions, lowerVersion } from '../../mmsc-core.ts';
import type { Mm1Context, Mm1Handler } from '../mm1-handler.ts';
import { pduAnswer } from '../mm1-handler.ts';
import type { Mmbox } from '../mmbox.ts';
import { makePdu, textOf } from '../pdus.ts';

type MboxOperation = 'storeReq' | 'viewReq' | 'uploadReq' | 'deleteReq';

/**
 * The MMBox requests (MMS 1.2+; ENC 1.3 m-mbox-store-req, -view-req, -upload-req, -delete-req),
 * each answered by its conf from mmbox.ts in the lower of both versions. Before 1.2 there is no
 * MMBox: an MMSC speaking 1.0/1.1 does not offer one (every request answered as for no owner).
 */
export function mboxReq(operation: MboxOperation): Mm1Handler {
  return async (ctx, { pdu, subscriber, version }) =>
    pduAnswer(await mboxConf(ctx, operation, pdu, subscriber, version));
}

async function mboxConf(
  ctx: Mm1Context,
  operation: MboxOperation,
  pdu: MmsPdu,
  subscriber: string | undefined,
  clientVersion: string,
): Promise<MmsPdu> {
  const { core } = ctx;
  const { config } = core;
  const v = lowerVersion(clientVersion, config.mmsVersion);
  const offered = compareVersions(config.mmsVersion, '1.2') >= 0;
  const owner = offered ? subscriber : undefined;
  try {
    const mmbox: Mmbox = ctx.mmbox;
    return await mmbox[operation](pdu, owner, v);
  } catch (e) {
    // The store could not commit: the client may try again (its conf, never an HTTP 500).
    core.observer.event('MM1', 'store-failed', { message: (e as Error).message });
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    const conf = pdu.type.replace(/-req$/, '-conf') as MmsPdu['type'];
    const status: [string, MmsValue] =
      conf === 'm-mbox-store-conf' || conf === 'm-mbox-upload-conf'
        ? ['X-Mms-Store-Status', 'Error-transient-failure']
        : ['X-Mms-Response-Status', 'Error-transient-failure'];
    return makePdu(conf, tid, v, [status]);
  }
}
