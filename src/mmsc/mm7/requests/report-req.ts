import {
  type Mm7Fields,
  type Mm7Message,
  type Mm7MessageType,
  type Mm7VersionId,
  mm7Version,
} from '../../../codec/mm7/index.ts';
import type { MmscConfig } from '../../config.ts';
import type { OriginReport } from '../../module.ts';
import { mm7AddressOf, xsDateTime } from '../mm7-mms-mapping.ts';

/**
 * DeliveryReportReq (TS 23.140 §8.7.4) or ReadReplyReq (§8.7.5) to the VASP whose SubmitReq asked
 * for it, in that request's schema version; the MessageID is the one the VASP knows.
 */
export function reportReq(
  config: MmscConfig,
  r: OriginReport,
  version: Mm7VersionId,
  transactionId: string,
): Mm7Message {
  const m = r.message;
  const rel6 = version.startsWith('REL-6');
  const fields: Mm7Fields = {
    MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0',
    MMSRelayServerID: config.domains[0],
    MessageID: m.originInfo?.vaspMessageId ?? m.id,
    Recipient: mm7AddressOf(r.recipient.address),
    Sender: mm7AddressOf(m.sender),
  };
  let type: Mm7MessageType;
  if (r.kind === 'delivery') {
    type = 'DeliveryReportReq';
    fields.Date = xsDateTime(r.date.getTime());
    const s = deliveryStatus(r.status, rel6);
    fields.MMStatus = s;
    if (s !== r.status) fields.StatusText = r.status;
  } else {
    type = 'ReadReplyReq';
    fields.TimeStamp = xsDateTime(r.date.getTime());
    fields.MMStatus = readStatus(r.status);
    if (fields.MMStatus !== r.status) fields.StatusText = r.status;
  }
  return { type, transactionId, version, fields };
}

/** X-Mms-Status → MM7 MMStatus (§8.7.4; Deferred and Unrecognised are Rel-6 values). */
function deliveryStatus(s: string, rel6: boolean): string {
  if (['Expired', 'Retrieved', 'Rejected', 'Forwarded'].includes(s)) return s;
  if (rel6 && (s === 'Deferred' || s === 'Unrecognised')) return s;
  return 'Indeterminate';
}

/** X-Mms-Read-Status → MM7 MMStatus of ReadReplyReq (§8.7.5: Read, Deleted, Indeterminate). */
function readStatus(s: string): string {
  if (s === 'Read') return 'Read';
  if (/^Deleted/i.test(s)) return 'Deleted';
  return 'Indeterminate';
}
