import { type MessageStateRow, messageState, SMPP_STATUS, statusValue } from '../../src/codec/smpp/index.ts';
import type { BehaviourSpec } from '../peer.ts';
import { PeerConfigError } from '../peer.ts';

/**
 * The SMSC mock's scripted behaviours, as values (see README.md for the table). `parseBehaviour`
 * validates a BehaviourSpec from a suite; the session consults the active list in order.
 */
export type SmscBehaviour =
  | { kind: 'refuse-binds'; status: number; commands?: readonly string[] }
  | { kind: 'throttle'; after: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop-connection'; after: number }
  | { kind: 'reject-submits'; status: number; count?: number }
  | { kind: 'accept-never-deliver' }
  | { kind: 'fail-delivery'; state: MessageStateRow; err: number }
  | { kind: 'mute-enquire-link' }
  | { kind: 'refuse-connections' }
  | { kind: 'hold-responses'; window: number };

export const SMSC_BEHAVIOUR_KINDS = [
  'refuse-binds',
  'throttle',
  'delay',
  'drop-connection',
  'reject-submits',
  'accept-never-deliver',
  'fail-delivery',
  'mute-enquire-link',
  'refuse-connections',
  'hold-responses',
] as const;

function count(spec: BehaviourSpec, key: string, dflt?: number, max = 1_000_000): number {
  const v = spec[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new PeerConfigError(
      'smsc',
      `${spec.kind}: ${key} must be an integer 0..${max} (got ${JSON.stringify(spec[key])})`,
    );
  }
  return v;
}

function status(spec: BehaviourSpec, dflt: number): number {
  const raw = spec.status ?? dflt;
  const v = typeof raw === 'string' || typeof raw === 'number' ? statusValue(raw) : undefined;
  if (v === undefined || v === 0) {
    throw new PeerConfigError(
      'smsc',
      `${spec.kind}: status must be a non-zero command_status (name like ESME_RSYSERR or number)`,
    );
  }
  return v;
}

const BIND_COMMANDS = ['bind_transmitter', 'bind_receiver', 'bind_transceiver'];

/** The bind commands a refuse-binds refuses (the others bind as ever). */
function bindCommands(spec: BehaviourSpec): string[] {
  const v = spec.commands;
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    !v.every((c) => typeof c === 'string' && BIND_COMMANDS.includes(c))
  )
    throw new PeerConfigError('smsc', `refuse-binds: commands must be a list of ${BIND_COMMANDS.join(', ')}`);
  return v as string[];
}

export function parseBehaviour(spec: BehaviourSpec): SmscBehaviour {
  switch (spec.kind) {
    case 'refuse-binds':
      return {
        kind: 'refuse-binds',
        status: status(spec, SMPP_STATUS.ESME_RBINDFAIL),
        ...(spec.commands !== undefined ? { commands: bindCommands(spec) } : {}),
      };
    case 'throttle':
      return { kind: 'throttle', after: count(spec, 'after', 0) };
    case 'delay':
      return { kind: 'delay', ms: count(spec, 'ms', undefined, 60_000) };
    case 'drop-connection':
      return { kind: 'drop-connection', after: count(spec, 'after', 0) };
    case 'reject-submits':
      return {
        kind: 'reject-submits',
        status: status(spec, SMPP_STATUS.ESME_RSUBMITFAIL),
        // the first `count` submits refused, then every one accepted again (absent: all while on)
        ...(spec.count !== undefined ? { count: count(spec, 'count') } : {}),
      };
    case 'accept-never-deliver':
      return { kind: 'accept-never-deliver' };
    case 'fail-delivery': {
      const raw = spec.state ?? 'UNDELIV';
      const state = typeof raw === 'string' || typeof raw === 'number' ? messageState(raw) : undefined;
      if (!state || state.name === 'DELIVERED' || state.name === 'ENROUTE' || state.name === 'ACCEPTED') {
        throw new PeerConfigError(
          'smsc',
          `fail-delivery: state must be a final failure state (UNDELIV, EXPIRED, DELETED, REJECTD, UNKNOWN), got ${JSON.stringify(raw)}`,
        );
      }
      return { kind: 'fail-delivery', state, err: count(spec, 'err', 1, 999) };
    }
    case 'mute-enquire-link':
      return { kind: 'mute-enquire-link' };
    case 'refuse-connections':
      return { kind: 'refuse-connections' };
    case 'hold-responses':
      // window 0: held without a bound (no window-exceeded event)
      return { kind: 'hold-responses', window: count(spec, 'window', 0, 100_000) };
    default:
      throw new PeerConfigError(
        'smsc',
        `unknown behaviour '${spec.kind}' (known: ${SMSC_BEHAVIOUR_KINDS.join(', ')})`,
      );
  }
}
