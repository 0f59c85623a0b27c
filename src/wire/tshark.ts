/**
 * tshark (Wireshark's dissectors), the independent decoder of our captures: the one place that
 * starts it, for `mmscert audit-pcaps` and for the oracle tests (test/support/tshark.ts).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let installed: boolean | undefined;
/** Whether `tshark` runs here (asked once per process). */
export function haveTshark(): boolean {
  installed ??= spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
  return installed;
}

let configDir: string | undefined;
/**
 * The environment for a tshark child: its personal configuration directory is an empty one of this
 * process, so a user's Wireshark preferences cannot change a verdict, and tshark never populates
 * ~/.config/wireshark (it copies the global files there when `-C Default` meets a missing one, and
 * parallel test files would race on that copy).
 */
export function tsharkEnv(): NodeJS.ProcessEnv {
  configDir ??= mkdtempSync(path.join(tmpdir(), 'mmscert-wireshark-'));
  return { ...process.env, WIRESHARK_CONFIG_DIR: configDir };
}

export interface TsharkOptions {
  /** Largest stdout kept (default 256 MiB). */
  maxBuffer?: number;
  /** Run with an empty configuration directory of this process (tsharkEnv; default true). */
  isolated?: boolean;
}

export interface TsharkRun {
  /** Exit status (null when tshark could not be started or was killed). */
  status: number | null;
  stdout: string;
  stderr: string;
}

const optionsOf = (opts: TsharkOptions) => ({
  encoding: 'utf8' as const,
  maxBuffer: opts.maxBuffer ?? 256 * 1024 * 1024,
  ...(opts.isolated === false ? {} : { env: tsharkEnv() }),
});

/** Runs tshark to the end; the caller reads the status. */
export function tsharkSync(args: readonly string[], opts: TsharkOptions = {}): TsharkRun {
  const r = spawnSync('tshark', args, optionsOf(opts));
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.error ? String(r.error) : (r.stderr ?? '') };
}

/** tshark's stdout; throws (with its stderr) when it fails. */
export function tsharkText(args: readonly string[], opts: TsharkOptions = {}): string {
  const r = tsharkSync(args, opts);
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** tshark's stdout, without blocking the event loop; rejects when it fails. */
export function tsharkAsync(args: readonly string[], opts: TsharkOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tshark', args, optionsOf(opts), (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}
