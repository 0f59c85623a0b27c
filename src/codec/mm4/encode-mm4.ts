import { EncodeError } from '../codec-error.ts';
import { buildMime } from '../mime/build-mime.ts';
import { encodeEncodedWord, isPlainHeaderText } from '../mime/encoded-word.ts';
import { splitAddressList } from './mm4-address.ts';
import { mm4HeaderRow } from './mm4-headers.ts';
import type { Mm4Message } from './mm4-message.ts';
import { MM4_MESSAGE_TYPES } from './mm4-message.ts';
import { validateMm4 } from './validate-mm4.ts';

const CRLF = '\r\n';

/** Folds an address list at its commas so lines stay within 78 characters (RFC 5322 §2.1.1, §2.2.3). */
function foldAddressList(name: string, value: string): string {
  const list = splitAddressList(value);
  let out = '';
  let line = name.length + 2;
  list.forEach((a, i) => {
    const piece = i === 0 ? a : `, ${a}`;
    if (i > 0 && line + piece.length > 78) {
      out += `,${CRLF} ${a}`;
      line = 1 + a.length;
    } else {
      out += piece;
      line += piece.length;
    }
  });
  return out;
}

/** Encodes a display name before `<addr>` as an encoded word when it is not ASCII. */
function encodeAddressValue(v: string): string {
  if (isPlainHeaderText(v)) return v;
  return v.replace(/^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/, (_w, name: string, addr: string) =>
    isPlainHeaderText(name) ? `"${name}" <${addr}>` : `${encodeEncodedWord(name)} <${addr}>`,
  );
}

/**
 * Encodes an MM4 message as RFC 5322 + MIME octets with CRLF line ends. With
 * `validate` (default) a message with any validateMm4 issue is refused with an
 * EncodeError naming the first; robustness suites pass `validate: false` to send what the
 * spec forbids. Independently of that, a field that cannot be written at all (bad name,
 * CR/LF in a value, a non-ASCII value outside encoded-word fields, a line over 998
 * octets, RFC 5322 §2.1.1) is always refused. X-Mms-Message-Type comes first from `type`
 * when the header list lacks it.
 */
export function encodeMm4(msg: Mm4Message, opts: { validate?: boolean } = {}): Uint8Array {
  if (!MM4_MESSAGE_TYPES.includes(msg.type)) {
    throw new EncodeError(-1, 'X-Mms-Message-Type', `not an MM4 message type: ${JSON.stringify(msg.type)}`);
  }
  if (opts.validate ?? true) {
    const issues = validateMm4(msg);
    if (issues.length) {
      const first = issues[0];
      const idx = msg.headers.findIndex((h) => h.name.toLowerCase() === first.field.toLowerCase());
      throw new EncodeError(idx, first.field, `${first.reason} (${first.clause})`);
    }
  }
  let head = '';
  if (!msg.headers.some((h) => /^x-mms-message-type$/i.test(h.name)))
    head += `X-Mms-Message-Type: ${msg.type}${CRLF}`;
  msg.headers.forEach((h, i) => {
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(h.name))
      throw new EncodeError(i, h.name, 'not an RFC 5322 field name');
    if (/^(mime-version|content-type|content-transfer-encoding)$/i.test(h.name)) {
      throw new EncodeError(i, h.name, 'MIME fields come from content, not headers');
    }
    if (/[\r\n]/.test(h.value)) throw new EncodeError(i, h.name, 'CR or LF inside a header value');
    const row = mm4HeaderRow(h.name);
    let value = h.value;
    if (h.wire !== undefined) value = h.wire;
    else if (row?.codec === 'encoded-text') value = encodeEncodedWord(value);
    else if (row?.codec === 'address') value = encodeAddressValue(value);
    else if (row?.codec === 'address-list') {
      value = foldAddressList(h.name, splitAddressList(value).map(encodeAddressValue).join(', '));
    }
    if (!/^[\x09\x20-\x7e]*$/.test(value.replace(/\r\n /g, ''))) {
      throw new EncodeError(
        i,
        h.name,
        'non-ASCII value in a field that takes no encoded words (RFC 5322 §2.2)',
      );
    }
    const line = `${h.name}: ${value}`;
    if (line.split(CRLF).some((l) => l.length > 998))
      throw new EncodeError(i, h.name, 'line longer than 998 octets');
    head += line + CRLF;
  });
  if (!msg.content) return Buffer.from(head + CRLF, 'latin1');
  head += `MIME-Version: 1.0${CRLF}`;
  const mime = buildMime({ ...msg.content, headers: [] });
  return Buffer.concat([Buffer.from(head, 'latin1'), mime]);
}
