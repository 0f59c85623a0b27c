import type { Mm7Fields, Mm7Message, Mm7VersionId } from '../../../codec/mm7/index.ts';
import { mm7Version } from '../../../codec/mm7/index.ts';
import { getHeader, type MmsPdu } from '../../../codec/mms/index.ts';
import type { MmscConfig, VaspConfig } from '../../config.ts';
import { deviates } from '../../deviations.ts';
import { parseMmsAddress } from '../../mm5/address.ts';
import type { StoredMessage, StoredRecipient } from '../../store/message-store.ts';
import { mimeContentOf, mm7AddressOf, mmsText, xsDateTime } from '../mm7-mms-mapping.ts';

/**
 * DeliverReq (TS 23.140 §8.7.2): an MM for a recipient routed to a VASP short code, in the schema
 * version that VASP last spoke; `pdu` is the stored MM (its subject, priority and content). The
 * caller sets the TransactionID (from the MMSC's id source).
 */
export function deliverReq(
  config: MmscConfig,
  vasp: VaspConfig,
  version: Mm7VersionId,
  m: StoredMessage,
  recipient: StoredRecipient,
  pdu: MmsPdu,
): Mm7Message {
  const to = parseMmsAddress(recipient.address);
  const shortCode = to?.kind === 'plmn' ? to.digits : recipient.address;
  const fields: Mm7Fields = {
    MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
    MMSRelayServerID: config.domains[0],
  };
  // VASPID / VASID exist from the Rel-6 schemas on (Annex L; deviation mm7-deliver-rel6-in-rel5: always)
  if (version.startsWith('REL-6') || deviates(config, 'mm7-deliver-rel6-in-rel5')) {
    fields.VASPID = vasp.vaspId;
    if (vasp.vasId) fields.VASID = vasp.vasId;
  }
  // LinkedID: the VASP may answer this MM by a SubmitReq carrying it (§8.7.2).
  fields.LinkedID = m.id;
  if (!deviates(config, 'mm7-deliver-no-sender'))
    fields.Sender = m.hideSender ? { ShortCode: ['anonymous'] } : mm7AddressOf(m.sender);
  fields.Recipients = { [recipient.field]: { ShortCode: [shortCode] } };
  fields.TimeStamp = xsDateTime(m.receivedAt);
  const priority = mmsText(getHeader(pdu, 'X-Mms-Priority'));
  if (priority && ['Normal', 'High', 'Low'].includes(priority)) fields.Priority = priority;
  const subject = mmsText(getHeader(pdu, 'Subject'));
  if (subject !== undefined) fields.Subject = subject;
  const content = mimeContentOf(pdu, `mm-${m.id}`);
  return {
    type: 'DeliverReq',
    transactionId: '',
    version,
    fields,
    ...(content ? { content } : {}),
  };
}
