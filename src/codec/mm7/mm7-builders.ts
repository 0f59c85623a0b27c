import type { Mm7Fields } from './mm7-message.ts';
import { mm7StatusText } from './mm7-status.ts';

/** A Status element value: code and (default: the spec's) text. */
export function mm7Status(code: number, text?: string): Mm7Fields {
  return { StatusCode: String(code), StatusText: text ?? mm7StatusText(code) ?? 'Unknown' };
}

/**
 * An address element value (Sender, Recipient, or one of To/Cc/Bcc): a `+`/digit string
 * becomes Number, `x@y` RFC2822Address, anything else ShortCode.
 */
export function mm7Address(...addresses: string[]): Mm7Fields {
  const out: { Number?: string[]; RFC2822Address?: string[]; ShortCode?: string[] } = {};
  for (const a of addresses) {
    const key =
      /^\+?[0-9]+(\/TYPE=PLMN)?$/i.test(a) && a.replace(/\D/g, '').length > 6
        ? 'Number'
        : a.includes('@')
          ? 'RFC2822Address'
          : 'ShortCode';
    const list = out[key] ?? [];
    list.push(a);
    out[key] = list;
  }
  return out as Mm7Fields;
}
