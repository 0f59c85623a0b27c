import type http from 'node:http';

/**
 * An HTTP request's body read to its end, or 'too-large' once it passes `limit` octets: the rest
 * is read and dropped, so the 413 can still be written on the connection. The body is one
 * exact-size copy (a store may keep it: never a view of a socket read buffer). Rejects when the
 * request errs or is aborted. The one body reader of the MMSC's HTTP interfaces and the peers.
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : concatExact(chunks, size)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

function concatExact(chunks: Buffer[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
