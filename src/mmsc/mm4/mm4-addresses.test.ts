import { describe, expect, it } from 'vitest';
import type { StoredRecipient } from '../store/message-store.ts';
import { bareAddress, mm1Form, mm4Form, recipientMailAddress, sameSubscriber } from './mm4-addresses.ts';

const rcpt = (over: Partial<StoredRecipient>): StoredRecipient => ({
  address: '+15550002/TYPE=PLMN',
  field: 'To',
  route: 'local',
  status: 'pending',
  updatedAt: 0,
  ...over,
});

describe('MM1 <-> MM4 address forms (TS 23.140 §8.4.4)', () => {
  it.each([
    ['+15550001/TYPE=PLMN', 'd.example', '+15550001/TYPE=PLMN@d.example'],
    ['15550001/TYPE=PLMN', 'd.example', '15550001/TYPE=PLMN@d.example'],
    ['+15550001', 'd.example', '+15550001/TYPE=PLMN@d.example'],
    ['carol@example.com', 'd.example', 'carol@example.com'],
    ['10.0.0.1/TYPE=IPv4', 'd.example', undefined],
    ['not an address', 'd.example', undefined],
  ])('mm4Form(%s)', (mm1, domain, want) => {
    expect(mm4Form(mm1, domain)).toBe(want);
  });

  it.each([
    ['+15550001/TYPE=PLMN@d.example', '+15550001/TYPE=PLMN'],
    ['"Rita" <+15559001/TYPE=PLMN@x.example>', '+15559001/TYPE=PLMN'],
    ['carol@example.com', 'carol@example.com'],
    ['+1555abc/TYPE=PLMN@d.example', undefined],
    ['no-at-sign', undefined],
  ])('mm1Form(%s)', (mm4, want) => {
    expect(mm1Form(mm4)).toBe(want);
  });

  it('bareAddress strips a display name', () => {
    expect(bareAddress(' "A B" <a@b.example> ')).toBe('a@b.example');
    expect(bareAddress('a@b.example')).toBe('a@b.example');
  });

  it('names recipients at their own MMSC domain', () => {
    expect(
      recipientMailAddress(rcpt({ route: 'mm4', domain: 'them.example', msisdn: '15550002' }), 'us.example'),
    ).toBe('+15550002/TYPE=PLMN@them.example');
    expect(recipientMailAddress(rcpt({ domain: 'us.example' }), 'us.example')).toBe(
      '+15550002/TYPE=PLMN@us.example',
    );
    expect(recipientMailAddress(rcpt({ address: 'c@example.com', route: 'mm3' }), 'us.example')).toBe(
      'c@example.com',
    );
  });

  it('matches a reporting address to the stored recipient', () => {
    const r = rcpt({ route: 'mm4', msisdn: '15550002' });
    expect(sameSubscriber(r, '+15550002/TYPE=PLMN@them.example')).toBe(true);
    expect(sameSubscriber(r, '<+15550003/TYPE=PLMN@them.example>')).toBe(false);
    expect(sameSubscriber(rcpt({ address: 'Carol@Example.com', route: 'mm3' }), 'carol@example.com')).toBe(
      true,
    );
    expect(sameSubscriber(r, 'garbage')).toBe(false);
  });
});
