import { describe, expect, it } from 'vitest';
import { type SmtpTransaction, SmtpTranscript } from './smtp-transcript.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('SmtpTranscript', () => {
  it('reads envelope, dot-unstuffed data and the end-of-data reply, fed in odd chunks', () => {
    const done: SmtpTransaction[] = [];
    const t = new SmtpTranscript((x) => done.push(x));
    t.server(b('220 mmsc ESMTP\r\n'));
    t.client(b('EHLO a\r\n'));
    t.server(b('250-mmsc\r\n250-PIPELINING\r\n250 8BITMIME\r\n'));
    t.client(b('MAIL FROM:<+1/TYPE=PLMN@a.gprs> SIZE=10\r\nRCPT TO:<+2/TYPE=PLMN@b.gprs>\r\nRC'));
    t.client(b('PT TO:<x@b.gprs>\r\nDATA\r\n'));
    t.server(b('250 ok\r\n250 ok\r\n550 no such user\r\n354 go\r\n'));
    t.client(b('Subject: x\r\n\r\n..leading dot\r\nline\r'));
    t.client(b('\n.\r\nQUIT\r\n'));
    expect(done).toHaveLength(0);
    t.server(b('250 2.0.0 queued\r\n221 bye\r\n'));
    expect(done).toHaveLength(1);
    const x = done[0];
    expect(x.mailFrom).toBe('+1/TYPE=PLMN@a.gprs');
    expect(x.rcptTo).toEqual(['+2/TYPE=PLMN@b.gprs', 'x@b.gprs']);
    expect(x.rcptReplies.map((r) => r?.code)).toEqual([250, 550]);
    expect(Buffer.from(x.data ?? []).toString('latin1')).toBe('Subject: x\r\n\r\n.leading dot\r\nline\r\n');
    expect(x.dataReply).toEqual({ code: 250, text: '2.0.0 queued' });
    expect(t.commands.at(-1)).toMatchObject({ line: 'QUIT', reply: { code: 221 } });
  });

  it('a refused DATA leaves the transaction without data; STARTTLS stops the reading', () => {
    const t = new SmtpTranscript();
    t.server(b('220 x\r\n'));
    t.client(b('MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n'));
    t.server(b('250 ok\r\n250 ok\r\n554 no valid recipients\r\n'));
    expect(t.transactions[0].data).toBeUndefined();
    t.client(b('STARTTLS\r\n'));
    t.server(b('220 go ahead\r\n'));
    expect(t.encrypted).toBe(true);
    t.client(b('\x16\x03\x01 binary'));
    expect(t.commands.at(-1)?.line).toBe('STARTTLS');
  });
});
