import type { TargetProvisioning } from '../../../mocks/peer-kind.ts';
import { PEER_KINDS } from '../../../mocks/peer-kinds.ts';
import type { JsonObject } from '../../util/json.ts';
import type { Ics } from '../ics/ics-schema.ts';
import type { PeerKinds } from '../peer-kinds.ts';

/**
 * What our peers must be to play the counterparts the target is provisioned with (its ICS): the
 * SMSC the target binds to, the VASP accounts it knows, the foreign MMSC it routes to over MM4,
 * the HLR that answers for its subscribers. Each peer kind's row says what it takes from the
 * provisioning (mocks/<peer>/*-kind.ts); this derives the provisioning from the ICS.
 */
export function targetProvisioning(ics: Ics): TargetProvisioning {
  const p = ics.provisioning;
  return {
    ...(ics.notification.smpp
      ? { smppBind: { systemId: ics.notification.smpp.systemId, password: ics.notification.smpp.password } }
      : {}),
    mainVasp: p.vasps.main,
    vasps: Object.values(p.vasps),
    ...(p.vasps.eaif ? { eaifApp: p.vasps.eaif } : {}),
    foreignDomain: p.foreign.domain,
    mcc: p.mcc,
    mnc: p.mnc,
  };
}

/**
 * Config the target's provisioning imposes on a peer: merged over the suite's own peer config (the
 * target's provisioning wins, a suite cannot silently make the target something it is not).
 */
export function icsPeerConfig(ics: Ics, kind: string, kinds: PeerKinds = PEER_KINDS): JsonObject {
  return kinds[kind]?.provisioned?.(targetProvisioning(ics)) ?? {};
}

/** Defaults under the suite's config (the HLR answers for the case's handsets unless the suite lists its own). */
export function icsPeerDefaults(
  ics: Ics,
  kind: string,
  msisdns: ReadonlyMap<string, string>,
  kinds: PeerKinds = PEER_KINDS,
): JsonObject {
  return kinds[kind]?.provisionedDefaults?.(targetProvisioning(ics), msisdns) ?? {};
}
