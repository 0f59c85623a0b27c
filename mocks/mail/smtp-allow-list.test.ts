import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/wire/timeline.ts';
import { MailMta } from './mail-mta.ts';
import { domainOf, SmtpAllowList } from './smtp-allow-list.ts';
import { smtpSend } from './smtp-send.ts';

describe('SmtpAllowList', () => {
  const list = new SmtpAllowList(['127.0.0.1', 'mnc001.mcc310.gprs'], ['mms.mnc002.mcc310.gprs']);
  it.each([
    ['127.0.0.1', 'x.example', 'a@x.example', true],
    ['::ffff:127.0.0.1', 'x.example', 'a@x.example', true],
    ['127.0.0.2', 'mms.mnc001.mcc310.gprs', 'a@x.example', true],
    ['127.0.0.2', 'x.example', 'system@MMS.MNC001.MCC310.GPRS', true],
    ['127.0.0.2', 'evilmnc001.mcc310.gprs', 'a@evilmnc001.mcc310.gprs', false],
    ['127.0.0.2', 'x.example', 'a@x.example', false],
  ])('client %s helo %s from %s -> %s', (ip, helo, from, ok) => {
    expect(list.clientAllowed(ip, helo, from)).toBe(ok);
  });
  it.each([
    ['+15550002/TYPE=PLMN@mms.mnc002.mcc310.gprs', true],
    ['user@MMS.mnc002.mcc310.gprs', true],
    ['user@mnc002.mcc310.gprs', false],
    ['user@sub.mms.mnc002.mcc310.gprs', false],
    ['no-domain', false],
  ])('recipient %s local -> %s', (a, ok) => expect(list.recipientLocal(a)).toBe(ok));
  it('domainOf takes the part after the last @', () => expect(domainOf('"a@b"@c.example')).toBe('c.example'));
  it('an IP-only list refuses other IPs at connect time', () => {
    const ipOnly = new SmtpAllowList(['127.0.0.2'], ['x']);
    expect(ipOnly.ipMayConnect('127.0.0.1')).toBe(false);
    expect(ipOnly.ipMayConnect('127.0.0.2')).toBe(true);
    expect(new SmtpAllowList([], ['x']).ipMayConnect('127.0.0.1')).toBe(true);
  });
});

describe('IP allow-list over a real connection', () => {
  it('a client outside the IP list gets 554 5.7.1 at connect and the server keeps serving', async () => {
    const timeline = new Timeline();
    const mta = new MailMta({ domains: ['example.com'], allowClients: ['127.0.0.2'] });
    const [{ url }] = await mta.start({ timeline, host: '127.0.0.1' });
    try {
      const r = await smtpSend(
        { url },
        { from: 'a@b.example', to: ['alice@example.com'] },
        new TextEncoder().encode('x'),
      );
      expect(r.ok).toBe(false);
      expect(r.response).toMatch(/554 5\.7\.1/);
      expect(timeline.query((o) => o.kind === 'event' && o.name === 'smtp-refused')).toHaveLength(1);
    } finally {
      await mta.stop();
    }
  });
});
