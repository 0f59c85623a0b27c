import type { MmscModule } from '../module.ts';
import { Mm4Module } from './mm4-module.ts';

/** The MM4 interface module of the reference MMSC (loaded by `mmscert serve` and the embedded target). */
export function createModule(): MmscModule {
  return new Mm4Module();
}

export { bareAddress, mm1Form, mm4Form, recipientMailAddress, sameSubscriber } from './mm4-addresses.ts';
export { Mm4Module } from './mm4-module.ts';
export { domainOf, type InboundMail, inDomain, type SmtpAnswer, SmtpInbound } from './smtp-inbound.ts';
export { type SmtpOutcome, sendSmtp } from './smtp-outbound.ts';
