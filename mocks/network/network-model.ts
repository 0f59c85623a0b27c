/**
 * The mobile network around the MMSC, as far as MMS delivery depends on it: operators (PLMNs),
 * where each modelled subscriber is (home or visited network, attached or absent), the roaming
 * agreements between a home and a visited operator, the routing answer of the HLR (MAP
 * SRI-SM, 3GPP TS 29.002 §12.1 / TS 23.040 §10.1) and the PDP context a handset gets for its MMS
 * access point (visited SGSN -> home GGSN, GSMA IR.33; TS 29.061 §16 for what the GGSN tells the
 * WAP gateway). MAP and GTP are not encoded: the peers publish them as observations.
 *
 * One instance per air interface (per case embedded, per run with shared peers): the HLR peer
 * answers the routing queries, the SMSC asks them, handsets move (`roam` action), the WAP gateway
 * reads the PDP context of the subscriber it relays for. A subscriber no handset has placed is not
 * modelled: the SMSC then hands its SMS straight to the air interface, as before this model.
 */

/** A PLMN: MCC + MNC (3GPP TS 23.003 §2.2), its MMS domain (§15 / GSMA IR.52) and its nodes. */
export interface Operator {
  mcc: string;
  mnc: string;
  /** A name for people (`visited`, `Y`); default `<mcc>-<mnc>`. */
  name: string;
  /** mms.mncMNC.mccMCC.gprs (3GPP TS 23.003 §15). */
  mmsDomain: string;
  /** Node names of its MSC/VLR, SGSN and GGSN as the observations name them. */
  msc: string;
  sgsn: string;
  ggsn: string;
}

/** What a home operator and a visited one agreed (GSMA IR.33 for GPRS roaming). */
export interface RoamingAgreement {
  /** MT/MO SMS for the home operator's subscribers in the visited network. */
  sms: boolean;
  /** GPRS roaming: PDP contexts towards the home GGSN through the visited SGSN. */
  gprs: boolean;
  /** The visited network bars the home operator's MMS access point (operator-determined barring). */
  apnBlocked: boolean;
}

/** Where one subscriber is. */
export interface SubscriberLocation {
  msisdn: string;
  serving: Operator;
  /** Switched on and registered (IMSI attach); false: an SMS finds the subscriber absent. */
  attached: boolean;
  /** The handset's setting "retrieve automatically while roaming" (when serving is not home). */
  autoRetrieveRoaming: boolean;
  /**
   * The agreement of the subscriber's home operator with the serving one, as the case states it.
   * Kept with the location, not in a table of operator pairs: cases that share a run's network
   * (external targets) and roam into the same PLMN at once each keep their own terms.
   */
  agreement: RoamingAgreement;
}

/** The HLR's own data on a subscriber: its home network and IMSI. */
export interface HomeRecord {
  imsi: string;
  mcc: string;
  mnc: string;
}

/** The HLR's answer to MAP SRI-SM (3GPP TS 29.002 §12.1: a routing result or a MAP error). */
export type SriSmAnswer =
  | { result: 'route'; imsi: string; msc: string; serving: string; roaming: boolean }
  | { result: 'error'; error: 'absentSubscriberSM' | 'callBarred' | 'unknownSubscriber'; cause: string };

/** The PDP context for the MMS APN (3GPP TS 29.060 Create PDP Context; TS 24.008 causes). */
export type PdpContext =
  | {
      accepted: true;
      apn: string;
      sgsn: string;
      ggsn: string;
      imsi: string;
      msisdn: string;
      /** The SGSN's PLMN as the GGSN reports it (3GPP-SGSN-MCC-MNC, TS 29.061 §16.4.7). */
      sgsnMccMnc: string;
      roaming: boolean;
      /** The address the home GGSN gave the handset (its pool). */
      address: string;
    }
  | { accepted: false; apn: string; sgsn: string; cause: string };

/** The routing side the HLR peer plugs in (mocks/hlr). */
export interface HlrRole {
  home(msisdn: string): HomeRecord | undefined;
  /** MAP SRI-SM for an MT SMS to `msisdn`, asked by `smsc`; the HLR publishes what it answered. */
  sriSm(msisdn: string, smsc: string): SriSmAnswer | undefined;
}

export const MMS_APN = 'mms';

export function operatorOf(mcc: string, mnc: string, name?: string): Operator {
  const mnc3 = mnc.padStart(3, '0');
  const id = `${mcc}${mnc}`;
  return {
    mcc,
    mnc,
    name: name ?? `${mcc}-${mnc}`,
    mmsDomain: `mms.mnc${mnc3}.mcc${mcc}.gprs`,
    msc: `msc.${id}`,
    sgsn: `sgsn.${id}`,
    ggsn: `ggsn.${id}`,
  };
}

const key = (msisdn: string) => msisdn.replace(/^\+/, '');

/** Both agreements, the APN open: what a roamer has unless the case says otherwise. */
export const FULL_AGREEMENT: RoamingAgreement = { sms: true, gprs: true, apnBlocked: false };

export class NetworkModel {
  private readonly locations = new Map<string, SubscriberLocation>();
  private readonly alerts = new Map<string, Set<() => void>>();
  private hlr?: HlrRole;

  /** The HLR peer plugs in while started; returns the unplug function. */
  attachHlr(hlr: HlrRole): () => void {
    this.hlr = hlr;
    return () => {
      if (this.hlr === hlr) this.hlr = undefined;
    };
  }

  get hasHlr(): boolean {
    return this.hlr !== undefined;
  }

  home(msisdn: string): HomeRecord | undefined {
    return this.hlr?.home(msisdn);
  }

  homeOperator(msisdn: string): Operator | undefined {
    const h = this.home(msisdn);
    return h ? operatorOf(h.mcc, h.mnc) : undefined;
  }

  /** The agreement in force for a roaming subscriber (at home: none needed, everything open). */
  agreement(msisdn: string): RoamingAgreement {
    const loc = this.location(msisdn);
    return loc && this.roaming(msisdn) ? loc.agreement : FULL_AGREEMENT;
  }

  /** A subscriber registers somewhere (location update) or detaches; alerts fire on attach. */
  locate(loc: SubscriberLocation): void {
    this.locations.set(key(loc.msisdn), loc);
    if (loc.attached) this.alert(loc.msisdn);
  }

  location(msisdn: string): SubscriberLocation | undefined {
    return this.locations.get(key(msisdn));
  }

  /** Forgets a subscriber (its handset stopped): not modelled any more. */
  forget(msisdn: string): void {
    this.locations.delete(key(msisdn));
    this.alerts.delete(key(msisdn));
  }

  roaming(msisdn: string): boolean {
    const loc = this.location(msisdn);
    const home = this.home(msisdn);
    return !!loc && !!home && (loc.serving.mcc !== home.mcc || loc.serving.mnc !== home.mnc);
  }

  /** MAP SRI-SM through the HLR; undefined when the subscriber is not modelled or no HLR answers. */
  sriSm(msisdn: string, smsc: string): SriSmAnswer | undefined {
    if (!this.location(msisdn)) return undefined;
    return this.hlr?.sriSm(msisdn, smsc);
  }

  /**
   * What the HLR knows to answer (used by the HLR peer): absent when detached, barred when the
   * home and visited operators have no SMS roaming agreement, else the serving MSC.
   */
  route(msisdn: string): SriSmAnswer | undefined {
    const loc = this.location(msisdn);
    const home = this.home(msisdn);
    if (!loc) return undefined;
    if (!home) return { result: 'error', error: 'unknownSubscriber', cause: 'not in the HLR' };
    const roaming = this.roaming(msisdn);
    if (roaming && !loc.agreement.sms)
      return { result: 'error', error: 'callBarred', cause: 'no SMS roaming agreement (operator barring)' };
    if (!loc.attached)
      return { result: 'error', error: 'absentSubscriberSM', cause: 'IMSI detached (MNRF set)' };
    return {
      result: 'route',
      imsi: home.imsi,
      msc: loc.serving.msc,
      serving: `${loc.serving.mcc}-${loc.serving.mnc}`,
      roaming,
    };
  }

  /** The SMSC waits for MAP Alert-SC (3GPP TS 23.040 §10.3: the subscriber is reachable again). */
  onAlert(msisdn: string, fire: () => void): () => void {
    const k = key(msisdn);
    const set = this.alerts.get(k) ?? new Set();
    set.add(fire);
    this.alerts.set(k, set);
    return () => set.delete(fire);
  }

  private alert(msisdn: string): void {
    const set = this.alerts.get(key(msisdn));
    if (!set) return;
    this.alerts.delete(key(msisdn));
    for (const fire of set) fire();
  }

  /**
   * The PDP context for the MMS APN: through the serving SGSN to the home GGSN (home routed, GSMA
   * IR.33). Undefined when the subscriber is not modelled (the data path is not simulated then).
   */
  pdpContext(msisdn: string, apn = MMS_APN): PdpContext | undefined {
    const loc = this.location(msisdn);
    const home = this.home(msisdn);
    if (!loc || !home) return undefined;
    const roaming = this.roaming(msisdn);
    const a = this.agreement(msisdn);
    const sgsn = loc.serving.sgsn;
    // 3GPP TS 24.008 §10.5.5.14 GMM cause #14; §10.5.6.6 SM cause #8
    if (!loc.attached) return { accepted: false, apn, sgsn, cause: 'detached' };
    if (!a.gprs) return { accepted: false, apn, sgsn, cause: 'GPRS services not allowed in this PLMN (#14)' };
    if (a.apnBlocked) return { accepted: false, apn, sgsn, cause: 'operator determined barring (#8)' };
    const digits = key(msisdn);
    return {
      accepted: true,
      apn,
      sgsn,
      ggsn: operatorOf(home.mcc, home.mnc).ggsn,
      imsi: home.imsi,
      msisdn: digits,
      sgsnMccMnc: `${loc.serving.mcc}${loc.serving.mnc}`,
      roaming,
      address: `10.${Number(digits.slice(-6, -4)) % 256}.${Number(digits.slice(-4, -2)) % 256}.${Number(digits.slice(-2)) % 256}`,
    };
  }
}
