/**
 * One TCP connection made up from the octets each side sends: the observations a server-side
 * tap would have recorded (open, bytes in/out, the client's FIN, close), framed by buildPcapng
 * into Ethernet/IPv4/TCP with the handshake, MSS segmentation, ACKs, FINs and checksums. For
 * oracle tests that hand a dialogue they encoded themselves (an SMTP session, an HTTP exchange,
 * SMPP PDUs) to tshark without a running peer.
 */
import { type BuildPcapngOptions, buildPcapng } from '../../src/wire/build-pcapng.ts';
import type { Iface } from '../../src/wire/nodes.ts';
import type { Endpoint4, Observation } from '../../src/wire/timeline.ts';

/** Octets one side sends, in the order they cross the connection. */
export interface DialogueChunk {
  from: 'client' | 'server';
  /** Text is sent as UTF-8. */
  data: Uint8Array | string;
}

export interface TcpDialogueOptions {
  /** The server's port (the one tshark's port table or `-d tcp.port==N,proto` keys on). */
  port: number;
  /** Default: the harness (127.0.9.1) on port 40000. */
  client?: Endpoint4;
  /** Node and role of the server; default the MMSC (127.0.3.1). */
  server?: Omit<Endpoint4, 'port'>;
  iface?: Iface;
  /** Packet comment of every frame (as the case / step comments of a suite capture). */
  comment?: string;
}

const enc = new TextEncoder();
/** A fixed origin (2023-11-14T22:13:20Z) so the same dialogue is the same file, octet for octet. */
const ORIGIN_EPOCH_MS = 1_700_000_000_000;

/**
 * The dialogue as server-side tap observations, 1 ms apart: open, each chunk (client chunks as
 * `in`, server chunks as `out`), the client's FIN once everything is sent, then the server's
 * close (its own FIN).
 */
export function tcpDialogueObservations(
  chunks: readonly DialogueChunk[],
  opts: TcpDialogueOptions,
): Observation[] {
  const client: Endpoint4 = opts.client ?? { node: 'harness', role: 'harness', port: 40000 };
  const server: Endpoint4 = { ...(opts.server ?? { node: 'mmsc', role: 'mmsc' }), port: opts.port };
  const base = {
    iface: opts.iface ?? 'HARNESS',
    node: server.node,
    role: server.role,
    conn: 'dialogue',
    ...(opts.comment !== undefined ? { case: opts.comment } : {}),
  } as const;
  const out: Observation[] = [];
  const at = () => ({ seq: out.length, t: (out.length + 1) * 1_000_000 });
  const conn = (event: 'open' | 'end' | 'close', direction: 'in' | 'local') =>
    out.push({ ...base, ...at(), kind: 'conn', transport: 'tcp', event, direction, client, server });
  conn('open', 'in');
  for (const c of chunks) {
    const raw = typeof c.data === 'string' ? enc.encode(c.data) : c.data;
    if (raw.length === 0) continue; // nothing crosses the wire
    out.push({ ...base, ...at(), kind: 'bytes', raw, direction: c.from === 'client' ? 'in' : 'out' });
  }
  conn('end', 'in');
  conn('close', 'local');
  return out;
}

/** The dialogue as a PCAPNG capture (see tcpDialogueObservations). */
export function tcpDialoguePcapng(
  chunks: readonly DialogueChunk[],
  opts: TcpDialogueOptions & Pick<BuildPcapngOptions, 'title' | 'mss'>,
): Uint8Array {
  return buildPcapng(tcpDialogueObservations(chunks, opts), {
    originEpochMs: ORIGIN_EPOCH_MS,
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.mss !== undefined ? { mss: opts.mss } : {}),
  });
}
