import type { ByteWriter } from '../bytes.ts';
import { EncodeError } from '../codec-error.ts';
import { writeTextString, writeTokenText } from '../wsp/index.ts';
import { INDEXED_RESPONSE_TEXT, MMS_HEADERS, type MmsHeaderDef, mmsHeaderByName } from './header-table.ts';
import type { MmsHeader } from './types.ts';

// One header's encoding, shared by encodeMms and the validator (which sizes values by writing them).

const UNKNOWN_RE = /^Unknown-0x([0-9A-Fa-f]{2})$/;

/** Table rows by their spelling in the table (what decodeMms and the builders produce): no lower-casing per header. */
const BY_EXACT_NAME = new Map<string, MmsHeaderDef>(MMS_HEADERS.map((d) => [d.name, d]));

/** The table row of a header name: exact spelling first, then the case-insensitive lookup. */
export function headerDefOf(name: string): MmsHeaderDef | undefined {
  return BY_EXACT_NAME.get(name) ?? mmsHeaderByName(name);
}

/**
 * Whether the encoder writes a header of this name as a field code (a table row, case-insensitively, or
 * `Unknown-0xNN`): an Application-header of such a name must be marked `textual` to be written back as text.
 */
export function namesFieldCode(name: string): boolean {
  return headerDefOf(name) !== undefined || UNKNOWN_RE.test(name);
}

/** Writes one header (code | 0x80 + value, application header, or raw unknown code). */
export function writeMmsHeader(w: ByteWriter, h: MmsHeader, type: string, index = -1): void {
  try {
    // a decoded Application-header keeps its textual form (§7.1, WAP-230-WSP 8.4.2.6): its value is a
    // Text-string, not the Wap-value of the field code its name matches
    const def = h.textual ? undefined : headerDefOf(h.name);
    if (def) {
      w.u8(0x80 | def.code);
      const codec =
        def.name === 'X-Mms-Response-Text' && (type === 'm-delete-conf' || type === 'm-mbox-delete-conf')
          ? INDEXED_RESPONSE_TEXT
          : def.codec;
      codec.write(w, h.value, def.name);
      return;
    }
    const unknown = h.textual ? null : UNKNOWN_RE.exec(h.name);
    if (unknown) {
      if (!(h.value instanceof Uint8Array))
        throw new EncodeError(index, h.name, 'unknown header code needs raw octets');
      w.u8(0x80 | Number.parseInt(unknown[1], 16)).bytes(h.value);
      return;
    }
    if (typeof h.value !== 'string')
      throw new EncodeError(index, h.name, 'application header value must be text');
    writeTokenText(w, h.name, 'header');
    writeTextString(w, h.value, h.name);
  } catch (e) {
    if (e instanceof EncodeError && e.offset === -1) throw new EncodeError(index, e.field, e.reason);
    throw e;
  }
}
