/** One header line of a MIME entity, unfolded (RFC 5322 §2.2.3), value as on the wire. */
export interface MimeHeader {
  name: string;
  value: string;
}

/**
 * A MIME entity (RFC 2045 §2.4): a message or a body part. Parsing fills every field;
 * building reads `contentType`, `params`, `contentId`, `contentLocation`, `body` or
 * `parts`, and copies any other `headers` verbatim.
 */
export interface MimeEntity {
  /** All header fields in wire order (unfolded, values not decoded). */
  headers: MimeHeader[];
  /** Lower-case `type/subtype`; `text/plain` when absent (RFC 2045 §5.2). */
  contentType: string;
  /** Content-Type parameters, names lower-case, values unquoted. */
  params: Record<string, string>;
  /** Content-ID without the angle brackets. */
  contentId?: string;
  contentLocation?: string;
  /** Leaf content with the Content-Transfer-Encoding removed; for multipart the raw body. */
  body: Uint8Array;
  /** Sub-parts of a multipart entity (RFC 2046 §5.1). */
  parts?: MimeEntity[];
  /** Offset of this entity's first header octet in the parsed input (parse only). */
  offset?: number;
  /** Offset of the first body octet in the parsed input (parse only). */
  bodyOffset?: number;
  /**
   * Parse only: a multipart body that ended without its close-delimiter (RFC 2046 §5.1.1
   * `close-delimiter` is part of the multipart-body grammar); its last part runs to the end.
   */
  unclosed?: true;
}
