import iconv from 'iconv-lite';

/**
 * RFC 2047 encoded words: `=?charset?B|Q?text?=`. Decoding is tolerant (unknown charsets
 * and broken words are left as they are, whitespace between adjacent words is dropped as
 * §6.2 requires); encoding produces B-encoded UTF-8 words of at most 75 characters (§2).
 */
const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  // §6.2: linear white space between two adjacent encoded words is ignored.
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(WORD, (whole, charset: string, enc: string, text: string) => {
    const cs = charset.split('*')[0].toLowerCase();
    if (!iconv.encodingExists(cs)) return whole;
    let bytes: Buffer;
    if (enc === 'B' || enc === 'b') {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return whole;
      bytes = Buffer.from(text, 'base64');
    } else {
      const raw = text.replace(/_/g, ' ');
      const out: number[] = [];
      for (let i = 0; i < raw.length; i++) {
        const c = raw.charCodeAt(i);
        if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
          out.push(Number.parseInt(raw.slice(i + 1, i + 3), 16));
          i += 2;
        } else out.push(c & 0xff);
      }
      bytes = Buffer.from(out);
    }
    return iconv.decode(bytes, cs);
  });
}

/** True when the value needs no encoding in a header (printable US-ASCII, no `=?`). */
export function isPlainHeaderText(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value) && !value.includes('=?');
}

/** Encodes a header text as one or more UTF-8 B encoded words when it is not plain ASCII. */
export function encodeEncodedWord(value: string): string {
  if (isPlainHeaderText(value)) return value;
  // 75 chars max per word: `=?UTF-8?B?` + `?=` = 12, leaves 63 base64 chars = 45 octets (§2).
  const words: number[][] = [];
  let chunk: number[] = [];
  for (const ch of value) {
    const b = [...Buffer.from(ch, 'utf8')];
    if (chunk.length + b.length > 45) {
      words.push(chunk);
      chunk = [];
    }
    chunk.push(...b);
  }
  if (chunk.length) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}
