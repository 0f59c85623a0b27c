import type { JsonObject } from '../../src/util/json.ts';
import { PeerConfigError } from '../peer.ts';
import { JsonConfigReader } from '../wap-gateway/config-from-json.ts';
import type { DeviceProfile, MmsVersion } from './device-profile.ts';
import type { HandsetConfig } from './handset.ts';

/**
 * A handset from JSON / YAML: `{ name, msisdn, profile?: 'mms-1.2' | {...}, gateway?, mmsc?,
 * retrieval? }`. Unknown keys are refused.
 */
export function handsetConfigFromJson(config: JsonObject): HandsetConfig {
  const r = new JsonConfigReader('ue', config);
  const name = r.str('name');
  const msisdn = r.str('msisdn');
  if (!name || !msisdn) throw new PeerConfigError('ue', 'a handset needs name and msisdn');
  const out: HandsetConfig = {
    name,
    msisdn,
    gateway: r.str('gateway'),
    mmsc: r.str('mmsc'),
    retrieval: r.oneOf('retrieval', ['immediate', 'deferred', 'reject'] as const),
  };
  if (typeof config.profile === 'string') out.profile = r.str('profile');
  else {
    const p = r.object('profile');
    if (p) {
      const pr = new JsonConfigReader(`ue.${name}`, p);
      const profile: Partial<DeviceProfile> = {
        userAgent: pr.str('userAgent'),
        uaProf: pr.str('uaProf'),
        mmsVersion: pr.oneOf('mmsVersion', ['1.0', '1.1', '1.2', '1.3'] as const) as MmsVersion | undefined,
        maxMessageSize: pr.int('maxMessageSize', 1, 1 << 30),
        accept: pr.strings('accept'),
      };
      pr.done();
      out.profile = Object.fromEntries(
        Object.entries(profile).filter(([, v]) => v !== undefined),
      ) as Partial<DeviceProfile>;
    }
  }
  r.done();
  return out;
}
