import {
  MM7_VERSIONS,
  type Mm7Fields,
  type Mm7Message,
  type Mm7MessageType,
  type Mm7VersionId,
  type Mm7WireIssue,
  mm7Status,
  mm7StatusClass,
  mm7Version,
} from '../../codec/mm7/index.ts';

/**
 * The answers of the MM7 endpoint (TS 23.140 §8.7): an operation's own response with its Status,
 * an RSErrorRsp in a SOAP Fault, a SOAP 1.1 VersionMismatch; and the best-effort reading of what
 * could not be decoded (TransactionID and schema version echoed in the answer).
 */

/** The newest schema we speak (answers when the request's cannot be read). */
export const NEWEST: Mm7VersionId = 'REL-6-MM7-1-4';

/** An answer to a VASP: the HTTP status and the MM7 message in the body. */
export interface Reply {
  httpStatus: number;
  msg: Mm7Message;
}

/** An operation's response (SubmitRsp, CancelRsp, ReplaceRsp) with its Status code (Annex L table). */
export function rsp(
  type: Mm7MessageType,
  tid: string,
  version: Mm7VersionId,
  code: number,
  extra: { messageId?: string; details?: string } = {},
): Reply {
  const status = mm7Status(code);
  if (extra.details) status.Details = cleanText(extra.details);
  const fields: Mm7Fields = { MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0', Status: status };
  if (extra.messageId && type === 'SubmitRsp') fields.MessageID = extra.messageId;
  return { httpStatus: 200, msg: { type, transactionId: tid, version, fields } };
}

/** RSErrorRsp in a SOAP Fault (§8.7.6; SOAP 1.1 §4.4, HTTP 500 per §6.2). */
export function rsError(tid: string, version: Mm7VersionId, code: number, details: string): Reply {
  const status = mm7Status(code);
  status.Details = cleanText(details);
  const server = mm7StatusClass(code) === 'server';
  return {
    httpStatus: 500,
    msg: {
      type: 'RSErrorRsp',
      transactionId: tid,
      version,
      fields: { MM7Version: mm7Version(version)?.mm7Version ?? '6.8.0', Status: status },
      fault: { faultcode: server ? 'env:Server' : 'env:Client', faultstring: String(status.StatusText) },
    },
  };
}

/**
 * A SOAP 1.1 VersionMismatch fault (SOAP 1.1 §4.1.2, §4.4.1; HTTP 500, §6.2) in the SOAP 1.1
 * namespace; its detail carries an RSErrorRsp 4004 for MM7 clients that read only that.
 */
export function versionMismatch(tid: string, version: Mm7VersionId, details: string): Reply {
  const r = rsError(tid, version, 4004, details);
  const fault = { faultcode: 'env:VersionMismatch', faultstring: 'SOAP 1.1 envelope expected' };
  return { ...r, msg: { ...r.msg, fault } };
}

/** Text XML 1.0 can carry (details quote decoder errors of arbitrary input). */
export function cleanText(s: string): string {
  return s.replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd]/gu, '?').slice(0, 1000);
}

/** `offset N: FIELD: reason` of a wire issue (as CodecError.toLine). */
export function issueLine(i: Mm7WireIssue): string {
  return `offset ${i.offset}: ${i.field}: ${i.reason}`;
}

/**
 * The mm7-any-namespace deviation's version: any namespace that ends in a schema id we know,
 * whatever its scheme, host, case or trailing slash and space (the lax match real MMSCs make).
 */
export function looseVersionOf(msg: Mm7Message): Mm7VersionId | undefined {
  for (const ns of [msg.wire?.operationNs, msg.wire?.transactionIdNs]) {
    const m = /\/(REL-\d+-MM7-\d+-\d+)\/?$/i.exec((ns ?? '').trim());
    const row = m ? mm7Version(m[1].toUpperCase()) : undefined;
    if (row) return row.id;
  }
  return undefined;
}

/** Best effort TransactionID of an undecodable body (echoed in the RSErrorRsp). */
export function sniffTid(body: Uint8Array): string {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 64 * 1024)).toString('latin1');
  const m = /<(?:[\w.-]+:)?TransactionID\b[^>]*>([^<]{1,200})</.exec(text);
  const t = m?.[1].trim();
  return t && /^[\x21-\x7e]+$/.test(t) ? t : 'unknown';
}

/** Best effort schema version of an undecodable body (we answer in it when we can). */
export function sniffVersion(body: Uint8Array): Mm7VersionId {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 64 * 1024)).toString('latin1');
  const m = /REL-\d+-MM7-\d+-\d+/.exec(text);
  return (m && MM7_VERSIONS.find((v) => v.id === m[0])?.id) || NEWEST;
}
