import type { DecodeError } from '../../src/codec/codec-error.ts';
import { isCodecError } from '../../src/codec/codec-error.ts';
import type { MmsPdu } from '../../src/codec/mms/index.ts';
import {
  decodeMms,
  decodeMmsLenient,
  lenientPdu,
  mmsDefectClause,
  mmsSummary,
} from '../../src/codec/mms/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
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
  /**
   * The bytes come from the target (a push it sent, an HTTP answer it gave): where they break the
   * encoding, each defect becomes an `encoding-defect` event and the PDU is read leniently
   * (decodeMmsLenient), so the node can act on it as a tolerant handset would.
   */
  fromTarget?: boolean;
}

/** Name of the event a peer publishes for each place a PDU from the target breaks its encoding. */
export const ENCODING_DEFECT = 'encoding-defect';

/**
 * One `encoding-defect` event per defect: detail { messageType, field, offset, reason, clause, line }.
 * `clause` is the rule the octets break (the field's value grammar for an MMS header).
 */
export function publishEncodingDefects(
  timeline: Timeline,
  where: { node: string; role: NodeRole; iface: Iface; peer?: string; conn?: string },
  messageType: string | undefined,
  defects: readonly DecodeError[],
  clauseOf: (field: string) => string = mmsDefectClause,
  extra: JsonObject = {},
): void {
  for (const d of defects) {
    timeline.publish({
      kind: 'event',
      name: ENCODING_DEFECT,
      node: where.node,
      role: where.role,
      iface: where.iface,
      ...(where.peer ? { peer: where.peer } : {}),
      ...(where.conn ? { conn: where.conn } : {}),
      direction: 'local',
      detail: {
        messageType: messageType ?? null,
        field: d.field,
        offset: d.offset,
        reason: d.reason,
        clause: clauseOf(d.field),
        line: d.toLine(),
        ...extra,
      },
    });
  }
}

/**
 * Decodes an MMS PDU and publishes it as an MM1 'message' observation (fields = mmsSummary).
 * Undecodable bytes become one 'event' observation (`mm1-undecodable`) carrying the codec's
 * `offset N: FIELD: reason` line: a recorder never throws at the protocol path it watches.
 * With `fromTarget`, bytes that break the encoding are read leniently instead: one `encoding-defect`
 * event per defect, then the message observation of what could be read (`mm1-undecodable` only when
 * not even the message type could). Returns the decoded PDU, or undefined when there is none.
 */
export function publishMm1(
  timeline: Timeline,
  base: Mm1ObservationBase,
  bytes: Uint8Array,
): MmsPdu | undefined {
  const { fromTarget, ...rest } = base;
  const where = { ...rest, iface: base.iface ?? 'MM1' };
  let pdu: MmsPdu | undefined;
  try {
    pdu = decodeMms(bytes);
  } catch (e) {
    let error = isCodecError(e) ? e.toLine() : String(e);
    if (fromTarget) {
      const l = decodeMmsLenient(bytes);
      // an MMS PDU's defects are MM1 encoding defects, whatever carried it (a PAP push at the PPG)
      publishEncodingDefects(timeline, { ...where, iface: 'MM1' }, l.type, l.defects, mmsDefectClause, {
        size: bytes.length,
      });
      pdu = lenientPdu(l);
      if (l.defects[0]) error = l.defects[0].toLine();
    }
    if (!pdu) {
      timeline.publish({
        kind: 'event',
        name: 'mm1-undecodable',
        ...where,
        detail: { error, size: bytes.length },
      });
      return undefined;
    }
  }
  timeline.publish({ kind: 'message', type: pdu.type, fields: mmsSummary(pdu), raw: bytes, ...where });
  return pdu;
}
