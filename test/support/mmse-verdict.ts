/**
 * Test support: what Wireshark's MMSE dissector makes of raw MMS PDUs, from tshark alone (no
 * ../shared). Each PDU goes into an exported-PDU capture for the `mmse_wsp` heuristic; a PDU the
 * heuristic refuses is handed to the dissector anyway inside an HTTP 200 response with
 * Content-Type application/vnd.wap.mms-message (that media type selects MMSE, no heuristic), so
 * "not an MMS PDU to Wireshark" and "what it would read if forced" are both known.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MMSE_HEURISTIC, upperPduPcapng } from '../../src/wire/exported-pdu.ts';
import { tsharkSync } from '../../src/wire/tshark.ts';
import { tcpDialoguePcapng } from './tcp-dialogue.ts';
import { AGGREGATE, SEVERITY_ERROR, SEVERITY_WARNING } from './tshark.ts';

/**
 * - `clean`: decoded as MMSE with no expert error.
 * - `malformed`: decoded as MMSE, and the dissector threw (Malformed Packet) or raised an expert
 *   error.
 * - `suspect`: malformed only by a Malformed Packet in MMSE while the PDU's last octet is 0x84:
 *   Wireshark 4.0 takes a final 0x84 for a Content-Type header and reports Malformed (a false
 *   positive, so neither clean nor malformed can be trusted).
 * - `invalid`: tshark found no X-Mms-Message-Type first (octet 0 is not 0x8C, or it names no known
 *   type): the dissector decodes such bytes without complaint, so its fields mean nothing.
 * - `not-mmse`: not dissected as MMSE even when forced.
 */
export type MmseVerdictKind = 'clean' | 'malformed' | 'suspect' | 'invalid' | 'not-mmse';

export interface MmseVerdict {
  kind: MmseVerdictKind;
  /** How the PDU reached the dissector: the heuristic accepted it, or it was forced over HTTP. */
  wrapper: 'exported-pdu' | 'http';
  /** tshark's `mmse.message_type` (`0x80`), when dissected. */
  messageType?: string;
  /** tshark's Info column (`MMS m-send-req (text/plain)`). */
  info: string;
  /** Malformed-packet notes (`[Malformed Packet: MMSE]`) and expert errors and warnings. */
  complaints: string[];
}

const FIELDS = [
  'frame.protocols',
  'mmse.message_type',
  '_ws.col.Info',
  '_ws.malformed',
  '_ws.expert.severity',
  '_ws.expert.message',
];

interface FrameReading {
  mmse: boolean;
  messageType?: string;
  info: string;
  complaints: string[];
  errors: number;
  malformedMmse: boolean;
}

/** One reading per frame of `file`, in frame order. */
function readFrames(file: string, decodeAs: readonly string[] = []): FrameReading[] {
  const args = [
    '-n',
    '-r',
    file,
    ...decodeAs.flatMap((d) => ['-d', d]),
    '-T',
    'fields',
    '-E',
    'separator=/t',
  ];
  args.push('-E', 'occurrence=a', '-E', `aggregator=${AGGREGATE}`, ...FIELDS.flatMap((f) => ['-e', f]));
  const r = tsharkSync(args, { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const [protocols = '', type = '', info = '', malformed = '', sevs = '', msgs = ''] = line.split('\t');
      const messages = msgs.split(AGGREGATE);
      const notes = malformed.split(AGGREGATE).filter((m) => m.startsWith('[Malformed'));
      const complaints = [...notes];
      let errors = 0;
      sevs.split(AGGREGATE).forEach((v, i) => {
        const sev = v === '' ? 0 : Number(v);
        if (sev < SEVERITY_WARNING) return; // comments, chats, notes
        if (sev >= SEVERITY_ERROR) errors += 1;
        complaints.push(`${sev >= SEVERITY_ERROR ? 'Error' : 'Warning'}: ${messages[i] ?? '?'}`);
      });
      return {
        mmse: protocols.split(':').includes('mmse'),
        ...(type ? { messageType: type.split(AGGREGATE)[0] } : {}),
        info,
        complaints,
        errors,
        malformedMmse: notes.some((n) => /Malformed Packet: MMSE\]/.test(n)),
      };
    });
}

/** The PDU as the body of an HTTP 200 answer to a GET on tcp/80 (how a handset retrieves one). */
function httpCapture(pdu: Uint8Array): Uint8Array {
  const head = `HTTP/1.1 200 OK\r\nContent-Type: application/vnd.wap.mms-message\r\nContent-Length: ${pdu.length}\r\n\r\n`;
  return tcpDialoguePcapng(
    [
      { from: 'client', data: 'GET /mms/pdu HTTP/1.1\r\nHost: mmsc\r\n\r\n' },
      { from: 'server', data: Buffer.concat([Buffer.from(head), pdu]) },
    ],
    { port: 80, client: { node: 'ue', role: 'ue', port: 40000 } },
  );
}

function classify(pdu: Uint8Array, f: FrameReading, wrapper: MmseVerdict['wrapper']): MmseVerdict {
  const base = {
    wrapper,
    info: f.info,
    complaints: f.complaints,
    ...(f.messageType !== undefined ? { messageType: f.messageType } : {}),
  };
  if (!f.mmse) return { kind: 'not-mmse', ...base };
  if (pdu[0] !== 0x8c || /Unknown type/i.test(f.info)) return { kind: 'invalid', ...base };
  if (f.errors === 0 && !f.malformedMmse) return { kind: 'clean', ...base };
  // one Malformed Packet in MMSE (its note and its expert error) and nothing else
  const lone = f.malformedMmse && f.errors === 1;
  if (lone && pdu[pdu.length - 1] === 0x84) return { kind: 'suspect', ...base };
  return { kind: 'malformed', ...base };
}

/**
 * Frames above this go straight to HTTP: Wireshark 4.0 refuses capture records over 262144 octets,
 * and HTTP reassembles a body of any size.
 */
const MAX_EXPORTED_PDU = 262_000;

/**
 * Wireshark's verdict on each PDU, in order (one tshark run for the lot, one more per PDU the
 * heuristic refused or too big for one frame). `labels[i]` becomes the comment of PDU i's frame
 * (see the captures with `keepDir`).
 */
export function mmseVerdicts(
  pdus: readonly Uint8Array[],
  opts: { labels?: readonly string[]; keepDir?: string } = {},
): MmseVerdict[] {
  const dir = opts.keepDir ?? mkdtempSync(path.join(tmpdir(), 'mmscert-mmse-'));
  try {
    const small = pdus.flatMap((p, i) => (p.length <= MAX_EXPORTED_PDU ? [i] : []));
    const file = path.join(dir, 'pdus.pcapng');
    const comments = small.map((i) => opts.labels?.[i] ?? `pdu ${i}`);
    writeFileSync(
      file,
      upperPduPcapng(
        small.map((i) => pdus[i]),
        MMSE_HEURISTIC,
        { comments },
      ),
    );
    const frames = readFrames(file);
    if (frames.length !== small.length)
      throw new Error(`tshark read ${frames.length} frames of ${small.length}`);
    const heuristic = new Map(small.map((pduIndex, frame) => [pduIndex, frames[frame]]));
    return pdus.map((pdu, i) => {
      const h = heuristic.get(i);
      if (h?.mmse) return classify(pdu, h, 'exported-pdu');
      const forced = path.join(dir, `http-${i}.pcapng`);
      writeFileSync(forced, httpCapture(pdu));
      const withMmse = readFrames(forced).find((f) => f.mmse);
      const none: FrameReading = { mmse: false, info: '', complaints: [], errors: 0, malformedMmse: false };
      return classify(pdu, withMmse ?? none, 'http');
    });
  } finally {
    if (opts.keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
