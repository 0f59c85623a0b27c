import { SOAP11_NS } from './decode-mm7.ts';
import type { Mm7Message } from './mm7-message.ts';
import { MM7_VERSIONS, mm7VersionOfNamespace } from './mm7-versions.ts';

/**
 * What a strict MM7 receiver refuses of a decoded request although decoding read past it:
 * - `soap-version`: the Envelope is not SOAP 1.1's (MM7 binds to SOAP 1.1, TS 23.140 §8.7.1;
 *   SOAP 1.1 §4.1.2: a version error, answered with a VersionMismatch fault);
 * - `unclosed-multipart`: a multipart body without its close-delimiter (RFC 2046 §5.1.1);
 * - `not-mm7-namespace`: the operation or the TransactionID header in a namespace that is no MM7
 *   schema's (namespace names compare character by character, Namespaces in XML 1.0 §2.3);
 * - `unsupported-version`: a well-formed MM7 schema namespace of a version we have no schema for;
 * - `dangling-href`: a Content@href that names no MIME part of the request (RFC 2392).
 */
export type Mm7WireIssueKind =
  | 'soap-version'
  | 'unclosed-multipart'
  | 'not-mm7-namespace'
  | 'unsupported-version'
  | 'dangling-href';

export interface Mm7WireIssue {
  kind: Mm7WireIssueKind;
  /** The field at fault: `Envelope@xmlns`, `SubmitReq@xmlns`, `TransactionID@xmlns`, `Content@href`, `multipart`. */
  field: string;
  /** Octet offset into the decoded input (the SOAP part's start for XML fields). */
  offset: number;
  reason: string;
}

const SUPPORTED = new Set(MM7_VERSIONS.map((v) => v.namespace));

/** The issues of a decoded message, most basic first (an encoded-not-decoded message has none). */
export function checkMm7Wire(msg: Mm7Message): Mm7WireIssue[] {
  const w = msg.wire;
  if (!w) return [];
  const out: Mm7WireIssue[] = [];
  if (w.envelopeNs !== SOAP11_NS) {
    out.push({
      kind: 'soap-version',
      field: 'Envelope@xmlns',
      offset: w.xmlOffset,
      reason: `Envelope namespace ${quote(w.envelopeNs)} is not SOAP 1.1's (SOAP 1.1 §4.1.2)`,
    });
  }
  if (w.unclosedMultipartAt !== undefined) {
    out.push({
      kind: 'unclosed-multipart',
      field: 'multipart',
      offset: w.unclosedMultipartAt,
      reason: 'multipart body ends without its close-delimiter (RFC 2046 §5.1.1)',
    });
  }
  for (const [field, ns] of [
    [`${msg.type}@xmlns`, w.operationNs],
    ['TransactionID@xmlns', w.transactionIdNs],
  ] as const) {
    if (SUPPORTED.has(ns)) continue;
    const id = mm7VersionOfNamespace(ns);
    out.push(
      id
        ? {
            kind: 'unsupported-version',
            field,
            offset: w.xmlOffset,
            reason: `MM7 schema ${id} is not supported`,
          }
        : {
            kind: 'not-mm7-namespace',
            field,
            offset: w.xmlOffset,
            reason: `namespace ${quote(ns)} is not an MM7 schema namespace (TS 23.140 Annex L)`,
          },
    );
  }
  if (w.href !== undefined && w.hrefResolved === false) {
    out.push({
      kind: 'dangling-href',
      field: 'Content@href',
      offset: w.xmlOffset,
      reason: `Content href ${quote(w.href)} names no MIME part of the request (RFC 2392)`,
    });
  }
  return out;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
}
