import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { AirInterface } from '../../../mocks/air-interface.ts';
import { type Peer, PeerConfigError, type PeerEndpoint } from '../../../mocks/peer.ts';
import { PEER_KINDS } from '../../../mocks/peer-kinds.ts';
import type { JsonObject } from '../../util/json.ts';
import { jsonReplacer } from '../../util/json.ts';
import { Timeline } from '../../wire/timeline.ts';
import { CliError } from '../cli-error.ts';
import { untilStopped } from '../until-stopped.ts';

/**
 * `mmscert peers`: the mock peers standalone on loopback, for pointing a real MMSC at them.
 * Config file (YAML or JSON): `{ seed?: number, peers: { <kind>: <config of that kind> } }`.
 */
export interface PeersConfig {
  seed?: number;
  peers: Record<string, JsonObject>;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readPeersConfig(file: string): PeersConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new CliError(`config ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return { peers: {} };
  if (!isObject(data))
    throw new CliError(`config ${file}: expected a mapping with 'peers' (and optionally 'seed')`);
  for (const k of Object.keys(data)) {
    if (k !== 'peers' && k !== 'seed')
      throw new CliError(`config ${file}: unknown key '${k}' (expected peers, seed)`);
  }
  const seed = data.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed))) {
    throw new CliError(`config ${file}: seed must be an integer`);
  }
  const peers = data.peers ?? {};
  if (!isObject(peers)) throw new CliError(`config ${file}: peers must map a peer kind to its config`);
  const out: Record<string, JsonObject> = {};
  for (const [kind, cfg] of Object.entries(peers)) {
    if (!PEER_KINDS[kind])
      throw new CliError(
        `config ${file}: unknown peer kind '${kind}' (known: ${Object.keys(PEER_KINDS).join(', ')})`,
      );
    if (cfg !== null && !isObject(cfg)) throw new CliError(`config ${file}: peers.${kind} must be a mapping`);
    out[kind] = cfg ?? {};
  }
  return { seed: seed as number | undefined, peers: out };
}

export function endpointLine(ep: PeerEndpoint): string {
  return `${ep.peer} ${ep.url}${ep.note ? ` ${ep.note}` : ''}`;
}

interface PeersOptions {
  config?: string;
  only?: string;
  events?: string;
  seed?: string;
  parentWatch?: boolean;
}

async function runPeers(opts: PeersOptions): Promise<void> {
  const config = opts.config ? readPeersConfig(opts.config) : { peers: {} };
  const seed = opts.seed !== undefined ? Number(opts.seed) : (config.seed ?? 1);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got '${opts.seed}'`);
  const only = opts.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const k of only ?? []) {
    if (!PEER_KINDS[k])
      throw new CliError(`--only: unknown peer kind '${k}' (known: ${Object.keys(PEER_KINDS).join(', ')})`);
  }
  // Explicitly asked for (--only, or named in the config) -> a bad config is an error; otherwise a
  // kind that cannot start bare is skipped with a note.
  const explicit = only ?? (Object.keys(config.peers).length > 0 ? Object.keys(config.peers) : undefined);
  const kinds = explicit ?? Object.keys(PEER_KINDS);

  const timeline = new Timeline();
  let events: WriteStream | undefined;
  if (opts.events) {
    events = createWriteStream(opts.events, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      events!.once('open', () => resolve());
      events!.once('error', (e) =>
        reject(new CliError(`--events ${opts.events}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)),
      );
    });
    const stream = events;
    timeline.subscribe((o) => {
      stream.write(`${JSON.stringify(o, jsonReplacer)}\n`);
    });
  }
  const deps = { timeline, air: new AirInterface(), seed };
  const started: Peer[] = [];
  const stopAll = async () => {
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
  };
  try {
    for (const kind of kinds) {
      let peer: Peer;
      try {
        peer = PEER_KINDS[kind].create(config.peers[kind] ?? {}, deps);
      } catch (e) {
        if (!(e instanceof PeerConfigError)) throw e;
        if (explicit) throw new CliError(e.message);
        process.stderr.write(`mmscert: skipping ${kind}: ${e.message}\n`);
        continue;
      }
      let eps: PeerEndpoint[];
      try {
        eps = await peer.start({ timeline, host: '127.0.0.1' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new CliError(
          `${kind}: cannot start: ${code === 'EADDRINUSE' ? 'port already in use' : (e as Error).message}`,
        );
      }
      started.push(peer);
      for (const ep of eps) process.stdout.write(`${endpointLine(ep)}\n`);
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  if (started.length === 0) throw new CliError('no peer started');
  const why = await untilStopped({ watchParent: opts.parentWatch !== false });
  if (!why.startsWith('SIG')) process.stderr.write(`mmscert peers: stopping, ${why}\n`);
  await stopAll();
  if (events) {
    const stream = events;
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
  process.exit(0);
}

export function register(program: Command): void {
  program
    .command('peers')
    .description(
      'run the mock peers (SMSC, HLR/ENUM, ...) standalone on 127.0.0.1 until SIGINT/SIGTERM/SIGHUP or its parent process (npx) exits',
    )
    .option('--no-parent-watch', 'keep running when the parent process exits (signals still stop it)')
    .option('--config <file>', 'YAML or JSON: { seed?, peers: { <kind>: <config> } }')
    .option('--only <kinds>', `comma-separated peer kinds (${Object.keys(PEER_KINDS).join(', ')})`)
    .option('--events <file>', 'append every observation as a JSON line (bytes as base64)')
    .option('--seed <n>', 'seed for generated data (default: config seed, else 1)')
    .action(runPeers);
}
