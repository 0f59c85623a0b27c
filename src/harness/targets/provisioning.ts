import type { JsonObject } from '../../util/json.ts';
import type { Ics } from '../ics/ics-schema.ts';
import type { TargetConfig } from './target-config.ts';

/**
 * `mmscert provisioning --config F`: everything the target MMSC must be provisioned with before
 * a run, from the target config (where our peers listen) and its ICS (identities, ranges,
 * accounts): a sheet for whoever configures the MMSC. What it needs of us only where its ICS
 * says it uses it (e.g. the SMSC only when it notifies over SMPP).
 */
export interface HostPort {
  host: string;
  port: number | null;
}

export interface ProvisioningSheet {
  target: { kind: string; name: string; domain: string; mcc: string; mnc: string };
  /** What the target opens (our handsets, MTA, remote MMSC and VASP connect there). */
  targetEndpoints: { mm1?: string; mm3?: string; mm4?: string; mm7?: string };
  subscribers: { range: string; note: string };
  unknownSubscribers: { range: string; note: string };
  /** The foreign operator our remote MMSC plays (MM4, GSMA IR.52). */
  mm4?: { domain: string; mcc: string; mnc: string; numbers: string; route: HostPort; note: string };
  /** Our ENUM (DNS, UDP and TCP) and HLR servers (MM5). */
  enum?: HostPort & { zone: string };
  hlr?: { url: string | null };
  /** The SMSC the target binds to (SMPP 3.4) for WAP push notifications. */
  smsc?: HostPort & { systemId: string; password: string };
  /** The push proxy gateway (PAP 2.0) when the target notifies over PAP. */
  ppg?: { url: string | null };
  /** VASP accounts and where the target calls the VASP back (DeliverReq, reports). */
  vasp?: {
    accounts: {
      role: string;
      vaspId: string;
      vasId?: string;
      username?: string;
      password?: string;
      shortCode: string;
    }[];
    callbackUrl: string | null;
  };
  /** The EAIF application (Nokia External Application Interface) and where the target calls it. */
  eaif?: {
    vaspId: string;
    username?: string;
    password?: string;
    shortCode: string;
    callbackUrl: string | null;
  };
  /** The e-mail domain routed to our MTA (MM3 outbound). */
  mail?: { domain: string; relay: HostPort };
  /** Things that make the target unprovisionable as configured. */
  warnings: string[];
}

function portOf(peers: Readonly<Record<string, JsonObject>>, kind: string, key: string): number | null {
  const v = peers[kind]?.[key];
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}

function strOf(
  peers: Readonly<Record<string, JsonObject>>,
  kind: string,
  key: string,
  fallback: string,
): string {
  const v = peers[kind]?.[key];
  return typeof v === 'string' ? v : fallback;
}

export function provisioningSheet(config: TargetConfig | undefined, ics: Ics): ProvisioningSheet {
  const t = config?.target;
  const kind = t?.kind ?? 'embedded';
  const peers = (config?.peers ?? {}) as Record<string, JsonObject>;
  // where the target sees our peers: loopback, or the host from inside a container
  const host = kind === 'container' ? 'host.testcontainers.internal' : '127.0.0.1';
  const fixed = kind === 'external' || kind === 'container';
  const p = ics.provisioning;
  const warnings: string[] = [];
  const need = (label: string, kindName: string, key: string): HostPort => {
    const port = portOf(peers, kindName, key);
    if (port === null && fixed)
      warnings.push(
        `${label}: no fixed port in the config (peers.${kindName}.${key}): our peer would listen on an ephemeral port the target cannot be told`,
      );
    return { host, port };
  };
  const endpoints =
    t?.kind === 'external'
      ? { ...t.endpoints }
      : t?.kind === 'container'
        ? Object.fromEntries(
            Object.entries(t.ports).map(([k, v]) => [k, `container port ${v} (published on 127.0.0.1:${v})`]),
          )
        : {};
  delete (endpoints as { domain?: string }).domain;
  const sheet: ProvisioningSheet = {
    target: { kind, name: t?.name ?? ics.implementation.name, domain: p.domain, mcc: p.mcc, mnc: p.mnc },
    targetEndpoints: endpoints,
    subscribers: {
      range: `${p.subscribers}*`,
      note: 'our handsets get numbers here (a fresh one per handset per case): the target must accept and deliver to any number of this range',
    },
    unknownSubscribers: {
      range: `${p.unknownSubscribers}*`,
      note: 'numbers no network knows: the target must answer them as unresolvable',
    },
    warnings,
  };
  if (ics.mm4.supported) {
    sheet.mm4 = {
      domain: p.foreign.domain,
      mcc: p.foreign.mcc,
      mnc: p.foreign.mnc,
      numbers: `${p.foreign.subscribers}*`,
      route: need('MM4 route to our remote MMSC', 'remote-mmsc', 'port'),
      note: `route ${p.foreign.domain} (and the numbers ${p.foreign.subscribers}*) over SMTP to our remote MMSC`,
    };
  }
  if (ics.mm5.enum) sheet.enum = { ...need('ENUM server', 'hlr', 'dnsPort'), zone: 'e164.arpa' };
  if (ics.mm5.hlr) {
    const port = need('HLR lookup', 'hlr', 'httpPort').port;
    sheet.hlr = { url: port === null ? null : `http://${host}:${port}/hlr/v1/subscribers/{msisdn}` };
  }
  if (ics.notification.via === 'smpp') {
    const smpp = ics.notification.smpp;
    if (!smpp)
      warnings.push(
        'notification.via is smpp but the ICS gives no notification.smpp bind (systemId, password)',
      );
    sheet.smsc = {
      ...need('SMSC', 'smsc', 'port'),
      systemId: smpp?.systemId ?? '(missing)',
      password: smpp?.password ?? '(missing)',
    };
  } else {
    const port = need('PPG', 'ppg', 'port').port;
    sheet.ppg = {
      url: port === null ? null : `http://${host}:${port}${strOf(peers, 'ppg', 'path', '/pap')}`,
    };
  }
  if (ics.mm7.supported) {
    const port = need('VASP callback', 'vasp', 'port').port;
    sheet.vasp = {
      accounts: Object.entries(p.vasps)
        .filter(([, a]) => a.dialect !== 'eaif')
        .map(([role, a]) => ({ role, ...a })),
      callbackUrl: port === null ? null : `http://${host}:${port}${strOf(peers, 'vasp', 'path', '/mm7')}`,
    };
  }
  const app = p.vasps.eaif;
  if (ics.eaif.supported && app) {
    const port = need('EAIF application', 'eaif-app', 'port').port;
    const { dialect: _dialect, ...account } = app;
    sheet.eaif = {
      ...account,
      callbackUrl:
        port === null ? null : `http://${host}:${port}${strOf(peers, 'eaif-app', 'path', '/eaif')}`,
    };
  }
  if (ics.mm3.supported && ics.mm3.outbound) {
    sheet.mail = { domain: p.mailDomain, relay: need('mail relay', 'mail', 'port') };
  }
  return sheet;
}

const hp = (x: HostPort) => `${x.host}:${x.port ?? '(not fixed)'}`;

/** The sheet for a person: one block per thing to configure. */
export function formatProvisioning(s: ProvisioningSheet): string {
  const out: string[] = [];
  const line = (k: string, v: string) => out.push(`  ${k.padEnd(22)} ${v}`);
  out.push(`Provision ${s.target.name} (${s.target.kind} target) for mmscert`, '');
  out.push('The target itself');
  line('own MMS domain', s.target.domain);
  line('MCC / MNC', `${s.target.mcc} / ${s.target.mnc}`);
  for (const [k, v] of Object.entries(s.targetEndpoints))
    line(`${k.toUpperCase()} endpoint (opens)`, String(v));
  line('subscribers', s.subscribers.range);
  out.push(`  ${''.padEnd(22)} ${s.subscribers.note}`);
  line('unknown numbers', s.unknownSubscribers.range);
  out.push('', 'Our peers it must reach (they listen, the target connects)');
  if (s.smsc) {
    out.push('  SMSC (SMPP 3.4, WAP push notifications)');
    line('  bind to', hp(s.smsc));
    line('  system_id', s.smsc.systemId);
    line('  password', s.smsc.password);
  }
  if (s.ppg) {
    out.push('  Push proxy gateway (PAP 2.0)');
    line('  push URL', s.ppg.url ?? '(not fixed)');
  }
  if (s.mm4) {
    out.push(`  Foreign MMSC over MM4 (SMTP): ${s.mm4.note}`);
    line('  domain', s.mm4.domain);
    line('  MCC / MNC', `${s.mm4.mcc} / ${s.mm4.mnc}`);
    line('  numbers', s.mm4.numbers);
    line('  route (SMTP)', hp(s.mm4.route));
  }
  if (s.enum) {
    out.push('  ENUM server (MM5, RFC 6116 NAPTR over DNS, UDP and TCP)');
    line('  DNS server', hp(s.enum));
    line('  zone', s.enum.zone);
  }
  if (s.hlr) {
    out.push('  HLR lookup (MM5, HTTP)');
    line('  URL', s.hlr.url ?? '(not fixed)');
  }
  if (s.vasp) {
    out.push('  VASP (MM7, SOAP over HTTP)');
    line('  callback URL', s.vasp.callbackUrl ?? '(not fixed)');
    for (const a of s.vasp.accounts) {
      const parts = [
        `VASPID ${a.vaspId}`,
        ...(a.vasId ? [`VASID ${a.vasId}`] : []),
        ...(a.username !== undefined ? [`user ${a.username}`] : []),
        ...(a.password !== undefined ? [`password ${a.password}`] : []),
        `short code ${a.shortCode}`,
      ];
      line(`  account ${a.role}`, parts.join(', '));
    }
  }
  if (s.eaif) {
    out.push('  EAIF application (Nokia External Application Interface, MMS PDUs over HTTP)');
    line('  callback URL', s.eaif.callbackUrl ?? '(not fixed)');
    line(
      '  account',
      [
        `id ${s.eaif.vaspId}`,
        ...(s.eaif.username !== undefined ? [`user ${s.eaif.username}`] : []),
        ...(s.eaif.password !== undefined ? [`password ${s.eaif.password}`] : []),
        `short code ${s.eaif.shortCode}`,
      ].join(', '),
    );
  }
  if (s.mail) {
    out.push('  E-mail MTA (MM3 outbound, SMTP)');
    line('  route domain', s.mail.domain);
    line('  relay', hp(s.mail.relay));
  }
  if (s.warnings.length > 0) {
    out.push('', 'Problems');
    for (const w of s.warnings) out.push(`  ! ${w}`);
  }
  return `${out.join('\n')}\n`;
}
