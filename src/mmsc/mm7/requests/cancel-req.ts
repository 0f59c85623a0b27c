import type { Mm7Message, Mm7VersionId } from '../../../codec/mm7/index.ts';
import type { VaspConfig } from '../../config.ts';
import { deviates } from '../../deviations.ts';
import type { MmscCore } from '../../mmsc-core.ts';
import { isOpen } from '../../store/message-store.ts';
import { stateOf, vaspMessage } from '../mm7-handler.ts';
import { mm7Text } from '../mm7-mms-mapping.ts';
import { type Reply, rsp } from '../mm7-reply.ts';

/**
 * CancelReq (TS 23.140 §8.7.3): the MM is withdrawn while a recipient is still undelivered
 * (CancelRsp 1000); 3001 Not Possible after, 2005 for a MessageID not of this VASP.
 */
export async function cancelReq(
  core: MmscCore,
  msg: Mm7Message,
  vasp: VaspConfig,
  version: Mm7VersionId,
): Promise<Reply> {
  const tid = msg.transactionId;
  const id = mm7Text(msg.fields.MessageID) ?? '';
  const m = vaspMessage(core, vasp.vaspId, id);
  if (deviates(core.config, 'mm7-cancel-always-ok')) {
    if (m) await core.cancel(m.id);
    return rsp('CancelRsp', tid, version, 1000);
  }
  // 2005 also for another VASP's message: its existence is not disclosed.
  if (!m) return rsp('CancelRsp', tid, version, 2005, { details: `no message ${id}` });
  if (m.state !== 'active' || !m.recipients.some((r) => isOpen(r.status))) {
    // Status table, 3001 Not Possible: the message is no longer available for cancel.
    return rsp('CancelRsp', tid, version, 3001, { details: `message ${id} is ${stateOf(m)}` });
  }
  await core.cancel(m.id);
  return rsp('CancelRsp', tid, version, 1000);
}
