import type { JsonObject } from '../../util/json.ts';
import type { Ics } from '../ics/ics-schema.ts';

/**
 * What our peers must be to play the counterparts the target is provisioned with (its ICS): the
 * SMSC the target binds to, the VASP accounts it knows, the foreign MMSC it routes to over MM4,
 * the HLR that answers for its subscribers. Merged over the suite's own peer config: the target's
 * provisioning wins, a suite cannot silently make the target something it is not.
 */
export function icsPeerConfig(ics: Ics, kind: string): JsonObject {
  const p = ics.provisioning;
  switch (kind) {
    case 'smsc':
      return ics.notification.smpp
        ? { systemId: ics.notification.smpp.systemId, password: ics.notification.smpp.password }
        : {};
    case 'vasp': {
      const main = p.vasps.main;
      const codes = [...new Set(Object.values(p.vasps).map((v) => v.shortCode))];
      return {
        vaspId: main.vaspId,
        ...(main.vasId ? { vasId: main.vasId } : {}),
        ...(main.username !== undefined ? { user: main.username } : {}),
        ...(main.password !== undefined ? { pass: main.password } : {}),
        shortCodes: codes,
      };
    }
    case 'remote-mmsc':
      return { domain: p.foreign.domain };
    default:
      return {};
  }
}

/**
 * Defaults under the suite's config: the HLR answers for the case's handsets as subscribers of
 * the target's network (3GPP TS 23.003 §15: mms.mncMNC.mccMCC.gprs) unless the suite lists its own.
 */
export function icsPeerDefaults(ics: Ics, kind: string, msisdns: ReadonlyMap<string, string>): JsonObject {
  if (kind !== 'hlr' || msisdns.size === 0) return {};
  const p = ics.provisioning;
  return { subscribers: [...msisdns.values()].map((msisdn) => ({ msisdn, mcc: p.mcc, mnc: p.mnc })) };
}
