import type { MmsPdu, MmsValue } from './types.ts';

/** The first header of that name (case-insensitive), or undefined. */
export function getHeader(pdu: MmsPdu, name: string): MmsValue | undefined {
  const n = name.toLowerCase();
  for (const h of pdu.headers) if (h.name === name || h.name.toLowerCase() === n) return h.value;
  return undefined;
}

/** Every header of that name, in wire order. */
export function getHeaders(pdu: MmsPdu, name: string): MmsValue[] {
  const n = name.toLowerCase();
  const out: MmsValue[] = [];
  for (const h of pdu.headers) if (h.name.toLowerCase() === n) out.push(h.value);
  return out;
}
