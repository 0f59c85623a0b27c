/**
 * What a handset tells the network about itself and what it will accept: the User-Agent and
 * UAProf URL it sends on MM1 (x-wap-profile, WAP-248-UAProf §9.2), the MMS version it speaks
 * (OMA-TS-MMS_ENC §7.3.34), the largest message it retrieves and the content types it renders.
 */
export type MmsVersion = '1.0' | '1.1' | '1.2' | '1.3';

export interface DeviceProfile {
  userAgent: string;
  uaProf?: string;
  mmsVersion: MmsVersion;
  /** Octets; a notification announcing more is answered with X-Mms-Status Rejected. */
  maxMessageSize: number;
  /** Media types it accepts (`*` wildcards allowed, e.g. `image/*`). */
  accept: string[];
}

export const DEVICE_PROFILES: Readonly<Record<string, DeviceProfile>> = {
  /** An OMA MMS 1.2 phone with the conformance document's 300 KB Content Class limit. */
  'mms-1.2': {
    userAgent: 'mmscert-handset/1.2 (MMS 1.2)',
    uaProf: 'http://uaprof.mmscert.test/mms12.xml',
    mmsVersion: '1.2',
    maxMessageSize: 300 * 1024,
    accept: [
      'application/vnd.wap.mms-message',
      'application/smil',
      'text/plain',
      'image/*',
      'audio/*',
      'video/*',
    ],
  },
  /** An early MMS 1.0 feature phone: 100 KB, still images and text only. */
  'mms-1.0-basic': {
    userAgent: 'mmscert-handset/1.0 (MMS 1.0)',
    uaProf: 'http://uaprof.mmscert.test/mms10.xml',
    mmsVersion: '1.0',
    maxMessageSize: 100 * 1024,
    accept: ['application/vnd.wap.mms-message', 'application/smil', 'text/plain', 'image/jpeg', 'image/gif'],
  },
  /** A smartphone speaking MMS 1.3 with a 600 KB limit (OMA MMS_CONF "Megapixel" class). */
  'mms-1.3': {
    userAgent: 'mmscert-handset/1.3 (MMS 1.3)',
    uaProf: 'http://uaprof.mmscert.test/mms13.xml',
    mmsVersion: '1.3',
    maxMessageSize: 600 * 1024,
    accept: ['*/*'],
  },
};

export const DEFAULT_PROFILE = 'mms-1.2';

/** Whether a profile's accept list covers a media type. */
export function accepts(profile: DeviceProfile, mediaType: string): boolean {
  const t = mediaType.toLowerCase();
  return profile.accept.some((a) => {
    const p = a.toLowerCase();
    if (p === '*/*' || p === t) return true;
    return p.endsWith('/*') && t.startsWith(p.slice(0, -1));
  });
}
