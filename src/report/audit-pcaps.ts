import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeMms } from '../codec/mms/decode-mms.ts';
import { decodeSmsUserData } from '../codec/push/sms-user-data.ts';
import { decodeWspPush } from '../codec/push/wsp-push.ts';
import { decodeSmpp } from '../codec/smpp/index.ts';
import { NODE_ROLES, type NodeRole, ROLE_ADDRESS } from '../wire/nodes.ts';
import { haveTshark, tsharkAsync } from '../wire/tshark.ts';

/**
 * The Wireshark audit of a run's captures (issue 8): tshark with checksum validation on, the
 * checks of shared/tools/pcap-check.sh -w (malformed frames, expert errors and warnings), over
 * every .pcapng of a report directory. A frame tshark complains about is excused only when
 *  - its case is tagged `malformed-stimulus` and it travels from the stimulating client towards
 *    the MMSC (ip.dst the MMSC, or a handset's request to the WAP gateway that relays it): the
 *    MMSC's own answers must stay clean; or
 *  - it is the documented tshark 4.0 MMSE false positive: an MMS PDU whose last octet is 0x84
 *    is reported Malformed (shared/vectors/mms-pdus/PROVENANCE.md). Proved per frame: the HTTP
 *    body decodes cleanly with our decodeMms, ends in 0x84, and "Malformed" is the only complaint; or
 *  - it is an m-delete-conf / m-mbox-delete-conf carrying the indexed (Status-count) form of
 *    X-Mms-Content-Location / X-Mms-Response-Status / X-Mms-Response-Text, which tshark 4.0's MMSE
 *    dissector does not implement: it reads the value length as the status and loses its place.
 *    Proved per frame the same way: our decoder reads the PDU and finds such an indexed field.
 * Anything else fails its file.
 */

/** The case tag that declares a case sends malformed input on purpose. */
export const MALFORMED_STIMULUS_TAG = 'malformed-stimulus';

export type FrameExcuse = 'stimulus' | 'tshark-0x84' | 'tshark-indexed';

/** One frame tshark flagged (malformed, or an expert error/warning). */
export interface FlaggedFrame {
  number: number;
  src: string;
  dst: string;
  protocols: string;
  malformed: boolean;
  /** Messages of the frame's expert infos of severity Warning or Error. */
  problems: string[];
  /** The case the frame belongs to (packet comment `case / step`, else the file's case). */
  caseId?: string;
  verdict: FrameExcuse | 'fail';
  /** Why a frame failed (or how it was excused). */
  reason: string;
}

export interface FileAudit {
  file: string;
  caseId?: string;
  frames: number;
  flagged: FlaggedFrame[];
  /** tshark could not read the file (the file fails). */
  error?: string;
  ok: boolean;
}

export interface AuditSummary {
  dir: string;
  files: FileAudit[];
  frames: number;
  failedFiles: number;
  excused: Record<FrameExcuse, number>;
  durationMs: number;
}

export interface AuditOptions {
  /** tshark processes at once (default 2). */
  jobs?: number;
  /** Called after each file (progress). */
  onFile?: (f: FileAudit) => void;
}

/** tshark's `_ws.expert.severity` of Warning (Error is 8388608): pcap-check.sh -w fails on both. */
const SEV_WARNING = 6291456;

const CHECKSUMS = ['ip', 'tcp', 'udp'].flatMap((p) => ['-o', `${p}.check_checksum:TRUE`]);
const FIELDS = [
  'frame.number',
  'ip.src',
  'ip.dst',
  'frame.protocols',
  '_ws.malformed',
  '_ws.expert.severity',
  '_ws.expert.message',
  'frame.comment',
];
const AGG = '\u001f';

export { haveTshark };

/** The role a capture address belongs to: exact ROLE_ADDRESS, else the role owning its /24. */
export function roleOfAddress(ip: string): NodeRole | undefined {
  const exact = NODE_ROLES.find((r) => ROLE_ADDRESS[r] === ip);
  if (exact) return exact;
  const net = ip.split('.').slice(0, 3).join('.');
  // 127.0.2.0/24 holds both wap-gateway and ppg; other nodes there are wap-gateways first.
  return NODE_ROLES.find((r) => ROLE_ADDRESS[r].split('.').slice(0, 3).join('.') === net);
}

/** A frame from the stimulating client towards the MMSC (directly, or a handset via the WAP gateway). */
export function towardsMmsc(src: string, dst: string): boolean {
  const s = roleOfAddress(src);
  const d = roleOfAddress(dst);
  if (s === undefined || d === undefined || s === 'mmsc') return false;
  return d === 'mmsc' || (s === 'ue' && d === 'wap-gateway');
}

/** The body of an HTTP message (Content-Length or chunked), or undefined when it is not one. */
export function httpBody(msg: Uint8Array): Uint8Array | undefined {
  const buf = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buf.subarray(0, end).toString('latin1');
  if (!/^(?:[A-Z]+ \S+ HTTP\/1\.[01]|HTTP\/1\.[01] \d{3})/.test(head)) return undefined;
  let body = buf.subarray(end + 4);
  if (/^transfer-encoding:\s*chunked\s*$/im.test(head)) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = body.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (!Number.isFinite(size) || eol + 2 + size > body.length) return undefined;
      if (size === 0) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    return Buffer.concat(parts);
  }
  const cl = /^content-length:\s*(\d+)\s*$/im.exec(head);
  if (cl) {
    const n = Number(cl[1]);
    if (n > body.length) return undefined;
    body = body.subarray(0, n);
  }
  return body;
}

/**
 * The MMS PDU a single-segment WAP push in an SMPP submit_sm / deliver_sm carries (SMPP 3.4
 * §4.4.1: the mandatory fields up to short_message; UDHI in esm_class; WAP-259 WDP over SMS;
 * connectionless WSP push, WAP-230 §8.2.4): where tshark reads an MMS PDU out of an SMS rather
 * than an HTTP body. Undefined for anything else (a concatenated push is not rebuilt here).
 */
export function smppPushBody(msg: Uint8Array): Uint8Array | undefined {
  try {
    if (msg.length < 16) return undefined;
    // the first PDU of the frame (more may follow it in the same segment)
    const length = Buffer.from(msg.buffer, msg.byteOffset, 4).readUInt32BE(0);
    const pdu = decodeSmpp(msg.subarray(0, Math.min(length, msg.length)));
    if (pdu.command !== 'submit_sm' && pdu.command !== 'deliver_sm') return undefined;
    const sm = pdu.params.short_message as Uint8Array;
    const ud = decodeSmsUserData(sm, ((pdu.params.esm_class as number) & 0x40) !== 0);
    if (ud.concat && ud.concat.total > 1) return undefined;
    return decodeWspPush(ud.payload, { connectionless: true }).body;
  } catch {
    return undefined;
  }
}

/** The SMPP PDUs one after the other in a TCP payload, by command_length (SMPP 3.4 §3.2). */
export function smppPdus(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 16 <= bytes.length) {
    const len = Buffer.from(bytes.buffer, bytes.byteOffset + at, 4).readUInt32BE(0);
    if (len < 16 || at + len > bytes.length) break;
    out.push(bytes.subarray(at, at + len));
    at += len;
  }
  return out;
}

function decodes(body: Uint8Array): boolean {
  try {
    decodeMms(body);
    return true;
  } catch {
    return false;
  }
}

/**
 * Is `body` the tshark 0x84 false positive: an MMS PDU that decodes cleanly with our decoder and
 * whose last octet is 0x84? Returns the reason it is not, or undefined when it is.
 */
export function notTheFalsePositive(body: Uint8Array | undefined): string | undefined {
  if (body === undefined || body.length === 0) return 'no HTTP body carrying an MMS PDU';
  if (body[body.length - 1] !== 0x84)
    return `last octet 0x${body[body.length - 1]?.toString(16)} is not 0x84`;
  try {
    decodeMms(body);
  } catch (e) {
    return `our decoder also rejects it: ${(e as Error).message}`;
  }
  return undefined;
}

/**
 * Is `body` an m-delete-conf or m-mbox-delete-conf that our decoder reads and that carries a field in
 * the indexed form (ENC 1.3: Value-length Index Value), the form tshark 4.0 cannot read?
 */
export function indexedDeleteConf(body: Uint8Array | undefined): boolean {
  if (!body?.length) return false;
  try {
    const pdu = decodeMms(body);
    return (
      (pdu.type === 'm-delete-conf' || pdu.type === 'm-mbox-delete-conf') &&
      pdu.headers.some((h) => typeof h.value === 'object' && h.value !== null && 'index' in h.value)
    );
  } catch {
    return false;
  }
}

/** The user's own Wireshark configuration applies (as when they open the files themselves). */
const tshark = (args: string[]): Promise<string> =>
  tsharkAsync(args, { maxBuffer: 1024 * 1024 * 1024, isolated: false });

/** The tshark `-d` values for the ports a case's connections used, from its timeline. */
function decodeAsOf(conns: Iterable<{ transport: string; port: number; iface: string }>): string[] {
  const byPort = new Map<string, string | null>();
  for (const c of conns) {
    const proto = IFACE_PROTO[c.iface];
    if (!proto) continue;
    const key = `${c.transport}.port==${c.port}`;
    const seen = byPort.get(key);
    // a port used by two protocols (possible in run.pcapng) is left to tshark's heuristics
    byPort.set(key, seen === undefined || seen === proto ? proto : null);
  }
  return [...byPort].filter(([, p]) => p).flatMap(([k, p]) => ['-d', `${k},${p}`]);
}

const IFACE_PROTO: Record<string, string> = {
  MM1: 'http',
  MM7: 'http',
  EAIF: 'http',
  HTTP: 'http',
  PAP: 'http',
  MM3: 'smtp',
  MM4: 'smtp',
  SMTP: 'smtp',
  SMPP: 'smpp',
  MM5: 'dns',
  DNS: 'dns',
};

interface CaseInfo {
  tags: string[];
  pcapng?: string;
  conns: Array<{ transport: string; port: number; iface: string }>;
}

/** What the audit needs of results.json: each case's tags, capture file and server ports. */
async function readCases(dir: string): Promise<Map<string, CaseInfo>> {
  const out = new Map<string, CaseInfo>();
  let text: string;
  try {
    text = await readFile(path.join(dir, 'results.json'), 'utf8');
  } catch {
    return out; // no results.json: no tags, every flagged frame fails
  }
  const doc = JSON.parse(text) as {
    cases?: Array<{
      id: string;
      tags?: string[];
      pcapng?: string;
      timeline?: { observations?: Array<Record<string, unknown>> };
    }>;
  };
  for (const c of doc.cases ?? []) {
    const conns: CaseInfo['conns'] = [];
    for (const o of c.timeline?.observations ?? []) {
      if (o.kind !== 'conn' || o.event !== 'open') continue;
      const server = o.server as { port?: number } | undefined;
      if (typeof server?.port === 'number')
        conns.push({ transport: String(o.transport), port: server.port, iface: String(o.iface) });
    }
    out.set(c.id, {
      tags: c.tags ?? [],
      ...(c.pcapng !== undefined ? { pcapng: c.pcapng } : {}),
      conns,
    });
  }
  return out;
}

/** Audit one capture file. `cases` from results.json; `fileCase` the case the file belongs to. */
export async function auditPcapFile(
  file: string,
  cases: ReadonlyMap<string, CaseInfo>,
  fileCase?: string,
): Promise<FileAudit> {
  const conns = fileCase ? (cases.get(fileCase)?.conns ?? []) : [...cases.values()].flatMap((c) => c.conns);
  const base = ['-n', '-2', '-r', file, ...CHECKSUMS, ...decodeAsOf(conns)];
  const audit: FileAudit = {
    file,
    ...(fileCase ? { caseId: fileCase } : {}),
    frames: 0,
    flagged: [],
    ok: true,
  };
  let out: string;
  try {
    out = await tshark([
      ...base,
      '-T',
      'fields',
      '-E',
      'separator=/t',
      '-E',
      'occurrence=a',
      '-E',
      `aggregator=${AGG}`,
      ...FIELDS.flatMap((f) => ['-e', f]),
    ]);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    audit.error =
      (err.stderr ?? err.message).split('\n').filter((l) => l && !l.includes('Running as user'))[0] ??
      'tshark failed';
    audit.ok = false;
    return audit;
  }
  for (const line of out.split('\n')) {
    if (!line) continue;
    audit.frames++;
    const [num = '', src = '', dst = '', protocols = '', mal = '', sevs = '', msgs = '', comment = ''] =
      line.split('\t');
    const sev = sevs.split(AGG);
    const msg = msgs.split(AGG);
    const problems = sev.flatMap((s, i) => (Number(s) >= SEV_WARNING ? [msg[i] ?? '?'] : []));
    if (!mal && problems.length === 0) continue;
    const commentCase = comment.split(AGG)[0]?.split(' / ')[0];
    const caseId = commentCase && cases.has(commentCase) ? commentCase : fileCase;
    audit.flagged.push({
      number: Number(num),
      src,
      dst,
      protocols,
      malformed: mal.length > 0,
      problems,
      ...(caseId ? { caseId } : {}),
      verdict: 'fail',
      reason: '',
    });
  }
  const needBody: FlaggedFrame[] = [];
  for (const f of audit.flagged) {
    const tags = f.caseId ? (cases.get(f.caseId)?.tags ?? []) : [];
    if (tags.includes(MALFORMED_STIMULUS_TAG) && towardsMmsc(f.src, f.dst)) {
      f.verdict = 'stimulus';
      f.reason = `stimulus of ${f.caseId} towards the MMSC`;
    } else if (
      f.malformed &&
      f.protocols.split(':').includes('mmse') &&
      f.problems.every((p) => /^Malformed Packet/.test(p))
    ) {
      needBody.push(f);
    } else {
      f.reason = tags.includes(MALFORMED_STIMULUS_TAG)
        ? `not the stimulus (${f.src} -> ${f.dst}): ${f.problems.join('; ')}`
        : f.problems.join('; ') || 'malformed';
    }
  }
  if (needBody.length > 0) {
    // second pass, only for the MMSE frames: the (reassembled) TCP payload carrying the PDU
    const filter = `frame.number in {${needBody.map((f) => f.number).join(',')}}`;
    const bodies = new Map<number, string>();
    try {
      const text = await tshark([
        ...base,
        '-Y',
        filter,
        '-T',
        'fields',
        '-E',
        'separator=/t',
        '-E',
        'occurrence=l',
        '-e',
        'frame.number',
        '-e',
        'tcp.reassembled.data',
        '-e',
        'tcp.payload',
      ]);
      for (const line of text.split('\n')) {
        const [n = '', reassembled = '', payload = ''] = line.split('\t');
        if (n) bodies.set(Number(n), reassembled || payload);
      }
    } catch {
      // leave bodies empty: those frames fail below
    }
    for (const f of needBody) {
      const hex = bodies.get(f.number) ?? '';
      const bytes = Buffer.from(hex.replace(/:/g, ''), 'hex');
      // a segment of a shared SMPP session may carry several submit_sm (pipelined, SMPP 3.4 §2.8):
      // tshark flags the frame for the one that ends in 0x84
      const pushes = smppPdus(bytes).map(smppPushBody);
      const body =
        httpBody(bytes) ??
        (pushes.length > 1 ? pushes.find((x) => notTheFalsePositive(x) === undefined) : undefined) ??
        smppPushBody(bytes);
      const othersClean = pushes.every(
        (x) => x === undefined || notTheFalsePositive(x) === undefined || decodes(x),
      );
      const why = othersClean ? notTheFalsePositive(body) : 'another MMS PDU of the frame does not decode';
      if (why === undefined) {
        f.verdict = 'tshark-0x84';
        f.reason = 'MMS PDU ending in 0x84 that decodes cleanly (known tshark 4.0 false positive)';
      } else if (indexedDeleteConf(body)) {
        f.verdict = 'tshark-indexed';
        f.reason =
          'delete conf with indexed (Status-count) fields that decodes cleanly (tshark 4.0 lacks that form)';
      } else f.reason = `Malformed MMSE: ${why}`;
    }
  }
  audit.ok = audit.flagged.every((f) => f.verdict !== 'fail');
  return audit;
}

/** Audit every .pcapng (and .pcapng.gz) of a report directory, `jobs` tshark processes at once. */
export async function auditPcaps(dir: string, opts: AuditOptions = {}): Promise<AuditSummary> {
  const started = Date.now();
  const cases = await readCases(dir);
  const caseOfFile = new Map<string, string>();
  for (const [id, c] of cases) if (c.pcapng) caseOfFile.set(path.basename(c.pcapng), id);
  // run.pcapng.gz: the merged capture of a run that kept failing cases' evidence only (tshark reads gzip)
  const names = (await readdir(dir)).filter((n) => n.endsWith('.pcapng') || n.endsWith('.pcapng.gz')).sort();
  const files: FileAudit[] = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      const name = names[i] as string;
      const a = await auditPcapFile(path.join(dir, name), cases, caseOfFile.get(name));
      files[i] = a;
      opts.onFile?.(a);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs ?? 2) }, worker));
  const excused: Record<FrameExcuse, number> = { stimulus: 0, 'tshark-0x84': 0, 'tshark-indexed': 0 };
  for (const f of files) for (const x of f.flagged) if (x.verdict !== 'fail') excused[x.verdict]++;
  return {
    dir,
    files,
    frames: files.reduce((n, f) => n + f.frames, 0),
    failedFiles: files.filter((f) => !f.ok).length,
    excused,
    durationMs: Date.now() - started,
  };
}

/** One line per failing file: `FILE: frame N (src -> dst, case): reason; ...`. */
export function failureLine(f: FileAudit): string {
  const name = path.basename(f.file);
  if (f.error) return `${name}: tshark could not read it: ${f.error}`;
  const bad = f.flagged.filter((x) => x.verdict === 'fail');
  const shown = bad
    .slice(0, 3)
    .map((x) => `frame ${x.number} (${x.src} -> ${x.dst}${x.caseId ? `, ${x.caseId}` : ''}): ${x.reason}`);
  return `${name}: ${shown.join('; ')}${bad.length > 3 ? `; ... ${bad.length - 3} more` : ''}`;
}
