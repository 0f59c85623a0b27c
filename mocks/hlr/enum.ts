/**
 * E.164 numbers, ENUM domains (RFC 6116 §2.4) and MMSC domains (GSMA IR.52 §6: the MM4
 * domain of a PLMN is `mms.mnc<MNC>.mcc<MCC>.gprs` with a 3-digit MNC).
 */

/** E.164 with a leading '+', 7 to 15 digits, no leading 0 (ITU-T E.164 §6). */
const E164 = /^\+[1-9]\d{6,14}$/;

/** '+15550001' for '+15550001', '15550001', '+1 555-0001'; undefined when not an E.164 number. */
export function normaliseE164(input: string): string | undefined {
  const s = input.trim().replace(/[\s\-().]/g, '');
  const withPlus = s.startsWith('+') ? s : `+${s}`;
  return E164.test(withPlus) ? withPlus : undefined;
}

/** RFC 6116 §2.4: digits reversed, dot-separated, under e164.arpa. */
export function e164ToEnumDomain(e164: string, apex = 'e164.arpa'): string {
  const n = normaliseE164(e164);
  if (!n) throw new RangeError(`'${e164}' is not an E.164 number`);
  return `${n.slice(1).split('').reverse().join('.')}.${apex}`;
}

/** The E.164 number an ENUM domain stands for, or undefined when the name is not one. */
export function enumDomainToE164(name: string, apex = 'e164.arpa'): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  const suffix = `.${apex}`;
  if (!lower.endsWith(suffix)) return undefined;
  const labels = lower.slice(0, -suffix.length).split('.');
  if (!labels.every((l) => /^\d$/.test(l))) return undefined;
  return normaliseE164(`+${labels.reverse().join('')}`);
}

/** GSMA IR.52 MMSC domain: MNC padded to 3 digits. */
export function mmscDomain(mcc: string, mnc: string): string {
  return `mms.mnc${mnc.padStart(3, '0')}.mcc${mcc}.gprs`;
}

/** The ENUM NAPTR regexp for an MMS subscriber (3GPP TS 23.140 §8.4.4 / IR.52 §6.3). */
export function mmsNaptrRegexp(e164: string, domain: string): string {
  return `!^.*$!mailto:${e164}/TYPE=PLMN@${domain}!`;
}

export function isMcc(s: string): boolean {
  return /^\d{3}$/.test(s);
}

export function isMnc(s: string): boolean {
  return /^\d{2,3}$/.test(s);
}
