import { DecodeError } from '../codec-error.ts';
import { decodeEncodedWords } from '../mime/encoded-word.ts';
import type { MimeEntity } from '../mime/mime-entity.ts';
import { parseMimeWithOffsets } from '../mime/parse-mime.ts';
import { mm4HeaderRow } from './mm4-headers.ts';
import type { Mm4Header, Mm4Message, Mm4MessageType } from './mm4-message.ts';
import { MM4_MESSAGE_TYPES } from './mm4-message.ts';

const MIME_FIELDS = /^(mime-version|content-type|content-transfer-encoding)$/i;

/**
 * Decodes an MM4 message (the DATA of an SMTP transaction: RFC 5322 header fields, an
 * empty line, a MIME body). Structure is checked here (header syntax, MIME framing, the
 * message type); presence and value rules are validateMm4's. Known header names take their
 * table spelling; encoded words (RFC 2047) are decoded. Total: a value or one DecodeError.
 */
export function decodeMm4(raw: Uint8Array): Mm4Message {
  try {
    return decode(raw);
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(0, 'MM4', `unexpected: ${(e as Error).message}`);
  }
}

function decode(raw: Uint8Array): Mm4Message {
  const { entity, offsets } = parseMimeWithOffsets(raw);
  let type: Mm4MessageType | undefined;
  const headers: Mm4Header[] = [];
  entity.headers.forEach((h, i) => {
    const row = mm4HeaderRow(h.name);
    if (row?.name === 'X-Mms-Message-Type') {
      const v = h.value.trim();
      const t = MM4_MESSAGE_TYPES.find((x) => x.toLowerCase() === v.toLowerCase());
      if (!t)
        throw new DecodeError(
          offsets[i],
          'X-Mms-Message-Type',
          `not an MM4 message type: ${JSON.stringify(v)}`,
        );
      if (type && type !== t)
        throw new DecodeError(offsets[i], 'X-Mms-Message-Type', 'appears twice with different values');
      type = t;
    }
    if (MIME_FIELDS.test(h.name)) return;
    const value =
      row && (row.codec === 'text' || row.codec === 'enum') ? h.value : decodeEncodedWords(h.value);
    headers.push({ name: row ? row.name : h.name, value });
  });
  if (!type) throw new DecodeError(0, 'X-Mms-Message-Type', 'missing: not an MM4 message (TS 23.140 §8.4)');
  const msg: Mm4Message = { type, headers };
  const hasContentType = entity.headers.some((h) => /^content-type$/i.test(h.name));
  if (hasContentType || entity.body.length > 0 || entity.parts) {
    const content: MimeEntity = {
      headers: [],
      contentType: entity.contentType,
      params: entity.params,
      body: entity.body,
    };
    if (entity.parts) content.parts = entity.parts;
    msg.content = content;
  }
  return msg;
}
