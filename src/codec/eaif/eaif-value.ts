import { EAIF_MESSAGE_TYPES, type EaifHeaderRow } from './eaif-headers.ts';

/** Characters of an address header (digits, letters, `/ = + @ . - _`: E.164 with /TYPE=PLMN, short codes, e-mail). */
const ADDRESS = /^[A-Za-z0-9/=+@._-]{1,256}$/;

/** Why a header value breaks its row's codec, or null when it is well-formed. */
export function checkEaifValue(row: EaifHeaderRow, value: string): string | null {
  const v = value.trim();
  switch (row.codec) {
    case 'address':
      return ADDRESS.test(v) ? null : `not an address: ${JSON.stringify(value.slice(0, 80))}`;
    case 'address-list': {
      const parts = v.split(',').map((p) => p.trim());
      const bad = parts.find((p) => !ADDRESS.test(p));
      return bad === undefined ? null : `not an address: ${JSON.stringify(bad.slice(0, 80))}`;
    }
    case 'version':
      return /^\d{1,3}\.\d{1,3}$/.test(v)
        ? null
        : `not a version major.minor: ${JSON.stringify(value.slice(0, 40))}`;
    case 'message-type':
      return (EAIF_MESSAGE_TYPES as readonly string[]).includes(v)
        ? null
        : `not one of ${EAIF_MESSAGE_TYPES.join(', ')}: ${JSON.stringify(value.slice(0, 40))}`;
    case 'id':
      return /^[\x21-\x7e]{1,256}$/.test(v) ? null : 'not an identifier (1..256 visible ASCII characters)';
    case 'integer':
      return /^\d{1,9}$/.test(v) ? null : `not a decimal number: ${JSON.stringify(value.slice(0, 40))}`;
    case 'token':
      return /^[A-Za-z]{1,64}$/.test(v)
        ? null
        : `not a word of letters: ${JSON.stringify(value.slice(0, 40))}`;
  }
}
