import { isCodecError } from '../../src/codec/codec-error.ts';
import type { MmsPdu } from '../../src/codec/mms/index.ts';
import { decodeMms, mmsSummary } from '../../src/codec/mms/index.ts';
import type { Iface, NodeRole } from '../../src/wire/nodes.ts';
import type { Direction, Timeline } from '../../src/wire/timeline.ts';

/** Who is recording an MM1 message, and in which direction it crossed that node. */
export interface Mm1ObservationBase {
  node: string;
  role: NodeRole;
  direction: Direction;
  peer?: string;
  conn?: string;
  iface?: Iface;
}

/**
 * Decodes an MMS PDU and publishes it as an MM1 'message' observation (fields = mmsSummary).
 * Undecodable bytes become one 'event' observation (`mm1-undecodable`) carrying the codec's
 * `offset N: FIELD: reason` line: a recorder never throws at the protocol path it watches.
 * Returns the decoded PDU, or undefined when it could not be decoded.
 */
export function publishMm1(
  timeline: Timeline,
  base: Mm1ObservationBase,
  bytes: Uint8Array,
): MmsPdu | undefined {
  const where = { ...base, iface: base.iface ?? 'MM1' };
  let pdu: MmsPdu;
  try {
    pdu = decodeMms(bytes);
  } catch (e) {
    timeline.publish({
      kind: 'event',
      name: 'mm1-undecodable',
      ...where,
      detail: { error: isCodecError(e) ? e.toLine() : String(e), size: bytes.length },
    });
    return undefined;
  }
  timeline.publish({ kind: 'message', type: pdu.type, fields: mmsSummary(pdu), raw: bytes, ...where });
  return pdu;
}
