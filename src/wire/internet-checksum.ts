/**
 * The Internet checksum (RFC 1071): one's-complement of the one's-complement sum of 16-bit
 * big-endian words. `initial` carries a partial sum (e.g. of the TCP/UDP pseudo-header,
 * RFC 793 §3.1, RFC 768). Odd-length data is padded with a zero octet.
 */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (i < end) sum += data[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Partial (unfolded, uncomplemented) sum of an IPv4 pseudo-header. */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  return (
    ((src[0] << 8) | src[1]) +
    ((src[2] << 8) | src[3]) +
    ((dst[0] << 8) | dst[1]) +
    ((dst[2] << 8) | dst[3]) +
    protocol +
    length
  );
}
