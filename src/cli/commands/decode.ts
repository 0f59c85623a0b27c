import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DecodeError } from '../../codec/codec-error.ts';
import { decodeMm4, type Mm4Message, mm4ToJson } from '../../codec/mm4/index.ts';
import { decodeMm7, type Mm7Message, mm7ToJson } from '../../codec/mm7/index.ts';
import { decodeMms, type MmsPdu, type MmsValue, mmsToJson } from '../../codec/mms/index.ts';
import { decodeSmsUserData, decodeWspPush, type SmsUserData, type WspPush } from '../../codec/push/index.ts';
import { contentTypeToString, type MultipartEntry, type WspHeader } from '../../codec/wsp/index.ts';
import { bytesToJson, type Json, jsonReplacer } from '../../util/json.ts';
import { CliError, exitWithCliError } from '../cli-error.ts';

/**
 * One decodable format: `mmscert decode --as NAME`. Adding a format (mm4, mm7, ...) is one entry here.
 * `detect` (optional) lets auto-detection pick it; `toText` is the human form (defaults to JSON).
 */
export interface DecodeFormat {
  decode(buf: Uint8Array): unknown;
  toJson(value: unknown): Json;
  toText?(value: unknown): string;
  detect?(buf: Uint8Array): boolean;
}

export const DECODE_FORMATS: Record<string, DecodeFormat> = {
  mms: {
    decode: decodeMms,
    toJson: (v) => mmsToJson(v as MmsPdu),
    toText: (v) => mmsToText(v as MmsPdu),
    // X-Mms-Message-Type is the first field of every MMS PDU (OMA-TS-MMS_ENC-V1_3 §7.1)
    detect: (b) => b[0] === 0x8c,
  },
  push: {
    decode: decodeWspPush,
    toJson: (v) => pushToJson(v as WspPush),
    toText: (v) => pushToText(v as WspPush),
    // connectionless WSP: TID then PDU type Push (0x06) or ConfirmedPush (0x07) (WAP-230-WSP 8.2.4)
    detect: (b) => b.length > 2 && (b[1] === 0x06 || b[1] === 0x07),
  },
  mm4: {
    decode: decodeMm4,
    toJson: (v) => mm4ToJson(v as Mm4Message),
    // RFC 5322 text carrying X-Mms-Message-Type: MM4_... (3GPP TS 23.140 §8.4)
    detect: (b) =>
      /^X-Mms-Message-Type:[ \t]*MM4_/im.test(Buffer.from(b.subarray(0, 16384)).toString('latin1')),
  },
  mm7: {
    decode: (b) => decodeMm7(b),
    toJson: (v) => mm7ToJson(v as Mm7Message),
    // a SOAP envelope (bare, multipart/related or a whole HTTP message) in an MM7 namespace (TS 23.140 §8.7)
    detect: (b) =>
      /Envelope[\s\S]*\/schema\/REL-\d+-MM7-/.test(Buffer.from(b.subarray(0, 16384)).toString('latin1')),
  },
  sms: {
    decode: (b) => decodeSmsUserData(b),
    toJson: (v) => smsToJson(v as SmsUserData),
    // a UDH length octet that is smaller than the user data (3GPP TS 23.040 9.2.3.24)
    detect: (b) => b.length > 1 && b[0] > 0 && b[0] < b.length,
  },
};

function valueText(v: MmsValue | WspHeader['value']): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if ('mediaType' in v) return contentTypeToString(v);
  if ('text' in v && 'charset' in v) return `${v.text} (charset ${v.charset})`;
  if ('insertAddress' in v) return '<insert address>';
  if ('absolute' in v) return `${new Date(v.absolute * 1000).toISOString()} (absolute)`;
  if ('relative' in v) return `+${v.relative} s (relative)`;
  if ('disposition' in v) return [v.disposition, ...v.params.map((p) => `${p.name}=${p.value}`)].join('; ');
  return JSON.stringify(v, jsonReplacer);
}

const DATE_FIELDS = new Set(['Date']);

function partsToText(parts: MultipartEntry[]): string[] {
  const lines: string[] = [];
  parts.forEach((p, i) => {
    lines.push(`Part ${i + 1}: ${contentTypeToString(p.contentType)} [${p.data.length} bytes]`);
    for (const h of p.headers) lines.push(`    ${h.name}: ${valueText(h.value)}`);
  });
  return lines;
}

export function mmsToText(pdu: MmsPdu): string {
  const lines = pdu.headers.map((h) => {
    const v =
      DATE_FIELDS.has(h.name) && typeof h.value === 'number'
        ? `${new Date(h.value * 1000).toISOString()} (${h.value})`
        : valueText(h.value);
    return `${h.name}: ${v}`;
  });
  if (pdu.parts) lines.push(...partsToText(pdu.parts));
  if (pdu.body) lines.push(`Body: [${pdu.body.length} bytes]`);
  return `${lines.join('\n')}\n`;
}

function pushToJson(p: WspPush): Json {
  const out = JSON.parse(JSON.stringify({ ...p, body: undefined })) as { [k: string]: Json };
  out.body = bytesToJson(p.body);
  const mms = nestedMms(p);
  if (mms) out.mms = mmsToJson(mms);
  return out;
}

function nestedMms(p: WspPush): MmsPdu | undefined {
  return p.contentType.mediaType === 'application/vnd.wap.mms-message' ? decodeMms(p.body) : undefined;
}

function pushToText(p: WspPush): string {
  const lines = [
    `WSP ${p.pduType}${p.tid !== undefined ? ` (TID ${p.tid})` : ''}`,
    `Content-Type: ${contentTypeToString(p.contentType)}`,
    ...p.headers.map((h) => `${h.name}: ${valueText(h.value)}`),
    `Body: [${p.body.length} bytes]`,
  ];
  const mms = nestedMms(p);
  return `${lines.join('\n')}\n${mms ? `--- MMS\n${mmsToText(mms)}` : ''}`;
}

function smsToJson(s: SmsUserData): Json {
  const out = JSON.parse(JSON.stringify({ ...s, payload: undefined })) as { [k: string]: Json };
  out.payload = bytesToJson(s.payload);
  return out;
}

export function readInput(file: string | undefined): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file === undefined || file === '-' ? 0 : file));
  } catch (e) {
    throw new CliError(`cannot read ${file ?? 'standard input'}: ${(e as Error).message}`, 2);
  }
}

/**
 * Hex text as Wireshark copies it ("Copy as hex stream": `8c8098...`; or with spaces, colons or
 * dashes between the octets, line breaks, a leading 0x) -> the octets; undefined when the input
 * is not such text (binary PDUs, MM4/MM7 text).
 */
export function hexText(buf: Uint8Array): Uint8Array | undefined {
  if (buf.length === 0 || buf.length > 64 * 1024 * 1024) return undefined;
  const text = Buffer.from(buf).toString('latin1').trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{2}([\s:-]*[0-9a-fA-F]{2})*$/.test(text)) return undefined;
  const digits = text.replace(/[\s:-]/g, '');
  // "8c 80" separated octets are two digits each; a stream is an even count of digits
  if (/[\s:-]/.test(text) && !text.split(/[\s:-]+/).every((o) => o.length % 2 === 0)) return undefined;
  return new Uint8Array(Buffer.from(digits, 'hex'));
}

/** Picks the format: --as, else the first whose detect() accepts the bytes. */
export function decodeAs(buf: Uint8Array, as?: string): { format: string; value: unknown } {
  if (as !== undefined) {
    const f = DECODE_FORMATS[as];
    if (!f) throw new CliError(`--as ${as}: one of ${Object.keys(DECODE_FORMATS).join(', ')}`, 2);
    return { format: as, value: f.decode(buf) };
  }
  for (const [name, f] of Object.entries(DECODE_FORMATS)) {
    if (f.detect?.(buf)) return { format: name, value: f.decode(buf) };
  }
  throw new DecodeError(
    0,
    'format',
    `not recognised as ${Object.keys(DECODE_FORMATS).join(', ')} (use --as)`,
  );
}

/** `mmscert decode [FILE|-] [--as FORMAT] [--json]`. */
export function register(program: Command): void {
  program
    .command('decode')
    .description(
      'decode a PDU (MMS, WSP push, SMS user data, MM4, MM7; auto-detected) and print it; binary, or hex text as Wireshark copies it (hex stream, with or without spaces or colons)',
    )
    .argument('[file]', 'input file (binary or hex text), - or nothing for standard input')
    .option('--as <format>', `format: ${Object.keys(DECODE_FORMATS).join('|')}`)
    .option('--json', 'print JSON (the form `mmscert encode` reads)')
    .action((file: string | undefined, opts: { as?: string; json?: boolean }) => {
      try {
        const input = readInput(file);
        const { format, value } = decodeAs(hexText(input) ?? input, opts.as);
        const f = DECODE_FORMATS[format];
        if (opts.json || !f.toText) process.stdout.write(`${JSON.stringify(f.toJson(value), null, 2)}\n`);
        else process.stdout.write(f.toText(value));
      } catch (e) {
        exitWithCliError(e);
      }
    });
}
