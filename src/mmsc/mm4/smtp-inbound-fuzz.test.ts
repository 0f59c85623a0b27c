import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpSend } from '../../../mocks/mail/smtp-send.ts';
import { mulberry32 } from '../../util/prng.ts';
import { type RunningMmsc, startReferenceMmsc } from '../index.ts';
import { Mm3Module } from '../mm3/mm3-module.ts';
import { Mm4Module } from './mm4-module.ts';

/**
 * Bounded robustness check of the MM4 and MM3 SMTP listeners: mutated forwards and mails
 * (byte flips, truncation, dropped or duplicated lines, seeded) each get an SMTP answer of the
 * protocol's own kind — never a dropped connection, never the "local error" a handler bug would
 * produce — and the listener still takes a valid message afterwards.
 */
const OURS = 'mms.mnc001.mcc310.gprs';
const PEER = 'mms.mnc002.mcc310.gprs';
const RCPT = `+15550002/TYPE=PLMN@${OURS}`;

const VALID_MM4 =
  'X-Mms-3GPP-MMS-Version: 6.10.0\r\nX-Mms-Message-Type: MM4_forward.REQ\r\nX-Mms-Transaction-ID: fz-1\r\n' +
  `X-Mms-Message-ID: fz-msg-1\r\nSender: system-user@${PEER}\r\nFrom: +15559001/TYPE=PLMN@${PEER}\r\n` +
  `To: ${RCPT}\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nDate: Sun, 22 Nov 2026 03:00:00 +0000\r\n` +
  'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"; type="text/plain"\r\n\r\n' +
  '--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-ID: <t1>\r\n\r\nhello\r\n' +
  '--b1\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b1--\r\n';

const VALID_MAIL =
  `From: dave@example.com\r\nTo: ${RCPT}\r\nSubject: hi\r\nDate: Sun, 22 Nov 2026 03:00:00 +0000\r\n` +
  'Message-ID: <fz@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n' +
  '--a\r\nContent-Type: text/plain\r\n\r\nplain\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--a--\r\n';

function mutate(text: string, rnd: () => number, i: number): Uint8Array {
  const bytes = Buffer.from(text, 'latin1');
  switch (i % 4) {
    case 0: {
      for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++)
        bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      return new Uint8Array(bytes);
    }
    case 1:
      return new Uint8Array(bytes.subarray(0, Math.floor(rnd() * bytes.length)));
    case 2: {
      const lines = text.split('\r\n');
      lines.splice(Math.floor(rnd() * lines.length), 1);
      return new TextEncoder().encode(lines.join('\r\n'));
    }
    default: {
      const lines = text.split('\r\n');
      const k = Math.floor(rnd() * lines.length);
      lines.splice(k, 0, lines[k]);
      return new TextEncoder().encode(lines.join('\r\n'));
    }
  }
}

let mmsc: RunningMmsc;
const url = (iface: string) => mmsc.endpoints.find((e) => e.iface === iface)!.url;

beforeAll(async () => {
  mmsc = await startReferenceMmsc(
    {
      domains: [OURS],
      mm4: { peers: [{ domain: PEER, host: '127.0.0.1', port: 9 }], responseTimeoutMs: 200 },
    },
    { modules: [new Mm4Module(), new Mm3Module()] },
  );
});

afterAll(async () => {
  await mmsc?.stop();
});

describe('MM4 / MM3 listeners under mutated input (seeded, bounded)', () => {
  for (const [iface, valid, from] of [
    ['MM4', VALID_MM4, `system-user@${PEER}`],
    ['MM3', VALID_MAIL, 'dave@example.com'],
  ] as const) {
    it(`${iface}: 40 mutations each get an SMTP answer; a valid message is still taken`, async () => {
      const rnd = mulberry32(iface === 'MM4' ? 4 : 3);
      const codes = new Map<number, number>();
      for (let i = 0; i < 40; i++) {
        const r = await smtpSend(
          { url: url(iface), tls: 'none', name: PEER },
          { from, to: [RCPT] },
          mutate(valid, rnd, i),
        );
        expect(r.code, `mutation ${i}: ${r.response}`).toBeGreaterThanOrEqual(200);
        expect(r.response, `mutation ${i}`).not.toContain('Local error');
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      }
      const ok = await smtpSend(
        { url: url(iface), tls: 'none', name: PEER },
        { from, to: [RCPT] },
        new TextEncoder().encode(valid),
      );
      expect(ok.ok, ok.response).toBe(true);
      // Both outcomes occur: some mutations are still acceptable, others are refused.
      expect([...codes.keys()].some((c) => c >= 500)).toBe(true);
    }, 60_000);
  }
});
