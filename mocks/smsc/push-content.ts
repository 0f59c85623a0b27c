import { isCodecError } from '../../src/codec/codec-error.ts';
import {
  decodeMms,
  decodeMmsLenient,
  lenientPdu,
  type MmsPdu,
  mmsDefectClause,
  mmsSummary,
} from '../../src/codec/mms/index.ts';
import { WAP_PUSH_PORT } from '../../src/codec/push/segment.ts';
import {
  decodeWspPushLenient,
  isMmsPush,
  pushApplicationId,
  wspPushDefectClause,
} from '../../src/codec/push/wsp-push.ts';
import { contentTypeToString } from '../../src/codec/wsp/content-type.ts';
import { bytesToJson, type Json, jsonReplacer } from '../../src/util/json.ts';
import type { Timeline } from '../../src/wire/timeline.ts';
import { publishEncodingDefects } from '../wap-gateway/mm1-observation.ts';

/** WDP port of the connection-oriented-less secure push (WAP-259 §6.3.1 port table): 2949. */
const WAP_PUSH_SECURE_PORT = 2949;

function toJson(v: unknown): Json {
  return JSON.parse(JSON.stringify(v, jsonReplacer) ?? 'null') as Json;
}

/**
 * What the SMSC saw inside a complete (reassembled) SMS addressed to the WAP push port
 * (WAP-259 WDP port 2948): a 'WAP-PUSH' message observation with the WSP push headers
 * (WAP-230 §8.2.4.1), then, for application/vnd.wap.mms-message, the MMS PDU itself on MM1
 * (`fields: mmsSummary(pdu)`). Undecodable content becomes an event with the codec's line.
 */
export function publishPushContent(
  timeline: Timeline | undefined,
  node: string,
  conn: string | undefined,
  payload: Uint8Array,
  ports: { source: number; destination: number } | undefined,
  about?: readonly string[],
): void {
  if (
    !timeline ||
    !ports ||
    (ports.destination !== WAP_PUSH_PORT && ports.destination !== WAP_PUSH_SECURE_PORT)
  )
    return;
  const base = {
    node,
    role: 'smsc' as const,
    direction: 'in' as const,
    ...(conn ? { conn } : {}),
    ...(about && about.length > 0 ? { about: [...about] } : {}),
  };
  const fail = (name: string, error: string) =>
    timeline.publish({
      kind: 'event',
      ...base,
      direction: 'local',
      iface: 'WAP-PUSH',
      name,
      detail: { error },
    });
  // what the target pushed: read as a tolerant handset would, each defect an `encoding-defect`
  const { push, defects } = decodeWspPushLenient(payload);
  const where = { node, role: 'smsc' as const, ...(conn ? { conn } : {}) };
  publishEncodingDefects(
    timeline,
    { ...where, iface: 'WAP-PUSH' },
    push ? 'wsp-push' : undefined,
    defects,
    wspPushDefectClause,
  );
  if (!push) {
    fail('wap-push-decode-error', defects[0]?.toLine() ?? 'undecodable');
    return;
  }
  const appId = pushApplicationId(push);
  timeline.publish({
    kind: 'message',
    ...base,
    iface: 'WAP-PUSH',
    type: push.pduType === 'Push' ? 'wsp-push' : 'wsp-confirmed-push',
    fields: {
      tid: push.tid ?? null,
      pduType: push.pduType,
      contentType: contentTypeToString(push.contentType),
      headers: push.headers.map((h) => ({ name: h.name, value: toJson(h.value) })),
      ...(appId !== undefined ? { applicationId: appId } : {}),
      ports: { ...ports },
      bodyLength: push.body.length,
      ...(isMmsPush(push) ? {} : { body: bytesToJson(push.body) }),
    },
    raw: payload,
  });
  if (!isMmsPush(push)) return;
  let pdu: MmsPdu | undefined;
  try {
    pdu = decodeMms(push.body);
  } catch (e) {
    if (!isCodecError(e)) throw e;
    const l = decodeMmsLenient(push.body);
    publishEncodingDefects(timeline, { ...where, iface: 'MM1' }, l.type, l.defects, mmsDefectClause, {
      size: push.body.length,
    });
    pdu = lenientPdu(l);
    if (!pdu) {
      fail('mms-decode-error', e.toLine());
      return;
    }
  }
  timeline.publish({
    kind: 'message',
    ...base,
    iface: 'MM1',
    type: pdu.type,
    fields: mmsSummary(pdu),
    raw: push.body,
  });
}
