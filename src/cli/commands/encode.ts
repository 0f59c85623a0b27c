import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { encodeMms, mmsFromJson } from '../../codec/mms/index.ts';
import { encodeWspPush, type WspPush } from '../../codec/push/index.ts';
import { bytesFromJson, isBytesJson, type Json } from '../../util/json.ts';
import { CliError, exitWithCliError } from '../cli-error.ts';
import { readInput } from './decode.ts';

function revive(v: Json): unknown {
  if (isBytesJson(v)) return bytesFromJson(v);
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  return v;
}

/** JSON as printed by `mmscert decode --json` → bytes (MMS PDU, or WSP push when it has a pduType). */
export function encodeJson(json: Json, options: { validate?: boolean } = {}): Uint8Array {
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'pduType' in json) {
    const { mms: _nested, ...push } = json;
    return encodeWspPush(revive(push) as WspPush);
  }
  return encodeMms(mmsFromJson(json), options);
}

/** `mmscert encode [FILE.json|-] [-o OUT] [--no-validate]`. */
export function register(program: Command): void {
  program
    .command('encode')
    .description('encode the JSON printed by `mmscert decode --json` back to binary')
    .argument('[file]', 'JSON file, - or nothing for standard input')
    .option('-o, --output <file>', 'write the PDU here (default: standard output)')
    .option('--no-validate', 'encode even what OMA-TS-MMS_ENC forbids (robustness tests)')
    .action((file: string | undefined, opts: { output?: string; validate: boolean }) => {
      try {
        const text = Buffer.from(readInput(file)).toString('utf8');
        let json: Json;
        try {
          json = JSON.parse(text) as Json;
        } catch (e) {
          throw new CliError(`input is not JSON: ${(e as Error).message}`, 2);
        }
        const out = encodeJson(json, { validate: opts.validate });
        if (opts.output) writeFileSync(opts.output, out);
        else process.stdout.write(out);
      } catch (e) {
        exitWithCliError(e);
      }
    });
}
