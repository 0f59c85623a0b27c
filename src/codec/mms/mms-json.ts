import { bytesFromJson, bytesToJson, isBytesJson, type Json, type JsonObject } from '../../util/json.ts';
import { DecodeError } from '../codec-error.ts';
import { MMS_MESSAGE_TYPES, type MmsHeader, type MmsPart, type MmsPdu, type MmsValue } from './types.ts';

/** Any value → JSON, with byte strings as { $base64 }. */
function toJson(v: unknown): Json {
  if (v instanceof Uint8Array) return bytesToJson(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') {
    const o: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = toJson(x);
    return o;
  }
  return v as Json;
}

function fromJson(v: Json): unknown {
  if (isBytesJson(v)) return bytesFromJson(v);
  if (Array.isArray(v)) return v.map(fromJson);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = fromJson(x);
    return o;
  }
  return v;
}

/** `{ type, headers: [{ name, value }], parts?: [{ contentType, headers, data }], body? }` with bytes as { $base64 }. */
export function mmsToJson(pdu: MmsPdu): Json {
  return toJson(pdu);
}

/** Inverse of mmsToJson. Throws a DecodeError (offset -1) when the JSON does not have the PDU shape. */
export function mmsFromJson(json: Json): MmsPdu {
  const v = fromJson(json) as Record<string, unknown>;
  const fail = (field: string, reason: string): never => {
    throw new DecodeError(-1, field, reason);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('json', 'expected an object');
  if (!MMS_MESSAGE_TYPES.includes(v.type as MmsPdu['type']))
    fail('type', `unknown message type ${JSON.stringify(v.type)}`);
  if (!Array.isArray(v.headers)) fail('headers', 'expected an array');
  const headers = (v.headers as unknown[]).map((h, i) => {
    const o = h as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || !('value' in o)) {
      fail(`headers[${i}]`, 'expected { name, value }');
    }
    const header: MmsHeader = { name: o.name as string, value: o.value as MmsValue };
    if (o.textual === true) header.textual = true;
    return header;
  });
  const pdu: MmsPdu = { type: v.type as MmsPdu['type'], headers };
  if (v.parts !== undefined) {
    if (!Array.isArray(v.parts)) fail('parts', 'expected an array');
    pdu.parts = (v.parts as unknown[]).map((p, i) => {
      const o = p as Record<string, unknown>;
      if (
        typeof o !== 'object' ||
        o === null ||
        !(o.data instanceof Uint8Array) ||
        typeof o.contentType !== 'object'
      ) {
        fail(`parts[${i}]`, 'expected { contentType, headers, data: { $base64 } }');
      }
      return {
        contentType: o.contentType,
        headers: (o.headers as MmsPart['headers']) ?? [],
        data: o.data,
      } as MmsPart;
    });
  }
  if (v.body !== undefined) {
    if (!(v.body instanceof Uint8Array)) fail('body', 'expected { $base64 }');
    pdu.body = v.body as Uint8Array;
  }
  return pdu;
}
