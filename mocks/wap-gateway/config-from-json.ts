import type { Json, JsonObject } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';
import type { PpgConfig } from './ppg.ts';
import type { SmscBinding } from './smpp-transmitter.ts';
import type { WapGatewayConfig } from './wap-gateway.ts';

/**
 * Validated configs from JSON / YAML (`mmscert peers --config`, suites, docker): every key
 * checked, unknown keys refused, one PeerConfigError naming the key.
 */
export class JsonConfigReader {
  private readonly used = new Set<string>();

  constructor(
    private readonly peer: string,
    private readonly config: JsonObject,
  ) {}

  private get(key: string): Json | undefined {
    this.used.add(key);
    return this.config[key];
  }

  str(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new PeerConfigError(this.peer, `${key} must be a string`);
    return v;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new PeerConfigError(this.peer, `${key} must be an integer ${min}..${max}`);
    }
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new PeerConfigError(this.peer, `${key} must be true or false`);
    return v;
  }

  strings(key: string): string[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw new PeerConfigError(this.peer, `${key} must be a list of strings`);
    }
    return v as string[];
  }

  object(key: string): JsonObject | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new PeerConfigError(this.peer, `${key} must be an object`);
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    if (!values.includes(v as T))
      throw new PeerConfigError(this.peer, `${key} must be one of ${values.join(', ')}`);
    return v as T;
  }

  /** Throws for any key no accessor asked for. */
  done(): void {
    for (const k of Object.keys(this.config)) {
      if (!this.used.has(k)) throw new PeerConfigError(this.peer, `unknown config key '${k}'`);
    }
  }
}

export function wapGatewayConfigFromJson(config: JsonObject): WapGatewayConfig {
  const r = new JsonConfigReader('wap-gateway', config);
  const out: WapGatewayConfig = {
    name: r.str('name'),
    port: r.int('port', 0, 65535),
    upstream: r.str('upstream'),
    msisdnHeaders: r.strings('msisdnHeaders'),
    msisdnFormat: r.oneOf('msisdnFormat', ['digits', 'international'] as const),
    requireSubscriber: r.bool('requireSubscriber'),
    maxObservedBody: r.int('maxObservedBody', 0, 1 << 30),
  };
  r.done();
  return out;
}

export function smscBindingFromJson(peer: string, config: JsonObject): SmscBinding {
  const r = new JsonConfigReader(peer, config);
  const port = r.int('port', 1, 65535);
  if (port === undefined) throw new PeerConfigError(peer, 'smsc.port is required');
  const out: SmscBinding = {
    host: r.str('host'),
    port,
    systemId: r.str('systemId'),
    password: r.str('password'),
    systemType: r.str('systemType'),
    sourceAddr: r.str('sourceAddr'),
    timeoutMs: r.int('timeoutMs', 1, 600_000),
  };
  r.done();
  return out;
}

export function ppgConfigFromJson(config: JsonObject): PpgConfig {
  const r = new JsonConfigReader('ppg', config);
  const smsc = r.object('smsc');
  const out: PpgConfig = {
    name: r.str('name'),
    port: r.int('port', 0, 65535),
    path: r.str('path'),
    senderName: r.str('senderName'),
    maxRequest: r.int('maxRequest', 1, 1 << 30),
    smsc: smsc ? smscBindingFromJson('ppg', smsc) : undefined,
  };
  if (out.path !== undefined && !out.path.startsWith('/'))
    throw new PeerConfigError('ppg', "path must start with '/'");
  r.done();
  return out;
}
