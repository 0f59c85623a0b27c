const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time in UTC: `Sun, 22 Nov 2026 02:58:52 +0000`. */
export function formatRfc5322Date(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(
    d.getUTCHours(),
  )}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

const RE =
  /^\s*(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s*,\s*)?(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{2,4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Za-ik-z])?\s*(?:\([^)]*\))?\s*$/i;
const ZONES: Record<string, number> = {
  UT: 0,
  GMT: 0,
  EST: -5,
  EDT: -4,
  CST: -6,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
};

/** Parses an RFC 5322 date-time (incl. the §4.3 obsolete zones); null when it is not one. */
export function parseRfc5322Date(value: string): Date | null {
  const m = RE.exec(value);
  if (!m) return null;
  let year = Number(m[4]);
  if (m[4].length === 2)
    year += year < 50 ? 2000 : 1900; // §4.3
  else if (m[4].length === 3) year += 1900;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === m[3].toLowerCase());
  const day = Number(m[2]);
  const [h, mi, s] = [Number(m[5]), Number(m[6]), Number(m[7] ?? 0)];
  if (day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return null;
  let offsetMin = 0;
  const z = (m[8] ?? '+0000').toUpperCase();
  if (/^[+-]\d{4}$/.test(z)) {
    const sign = z[0] === '-' ? -1 : 1;
    offsetMin = sign * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  } else if (z in ZONES) offsetMin = ZONES[z] * 60;
  const t = Date.UTC(year, month, day, h, mi, s) - offsetMin * 60_000;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}
