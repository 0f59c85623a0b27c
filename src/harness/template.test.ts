import { describe, expect, it } from 'vitest';
import { caseRandom } from './seeded.ts';
import { renderTemplate, TemplateError } from './template.ts';

describe('renderTemplate', () => {
  const values = {
    ue: { alice: { msisdn: '+15550001' } },
    saved: { send: { messageId: 'M1', n: 3 } },
    case: { id: 'c.1' },
  };

  it('replaces placeholders inside strings, objects and arrays', () => {
    expect(
      renderTemplate(
        {
          to: '{{ue.alice.msisdn}}',
          subject: 'id {{ saved.send.messageId }} of {{case.id}}',
          list: ['{{saved.send.n}}'],
        },
        { values },
      ),
    ).toEqual({ to: '+15550001', subject: 'id M1 of c.1', list: [3] });
  });

  it('keeps the type of a whole placeholder', () => {
    expect(renderTemplate('{{saved.send.n}}', { values })).toBe(3);
    expect(renderTemplate('n={{saved.send.n}}', { values })).toBe('n=3');
  });

  it('rejects unknown values with the placeholder named', () => {
    expect(() => renderTemplate('{{ue.carol.msisdn}}', { values })).toThrow(TemplateError);
    expect(() => renderTemplate('{{ue.carol.msisdn}}', { values })).toThrow(
      'unknown template value {{ue.carol.msisdn}}',
    );
    expect(() => renderTemplate('{{faker.nope.x}}', { values, faker: caseRandom(1).faker })).toThrow(
      'faker has no nope.x',
    );
  });

  it('draws faker values and transaction ids from the seed, deterministically', () => {
    const draw = (seed: number) => {
      const r = caseRandom(seed);
      return renderTemplate(
        { name: '{{faker.person.firstName}}', tx: '{{txid}}', tx2: '{{txid}}' },
        { values, faker: r.faker, txid: r.txid },
      );
    };
    const a = draw(42);
    expect(draw(42)).toEqual(a);
    expect(draw(43)).not.toEqual(a);
    const o = a as { tx: string; tx2: string; name: string };
    expect(o.tx).toMatch(/^[0-9a-z]{12}$/);
    expect(o.tx2).not.toBe(o.tx);
    expect(o.name.length).toBeGreaterThan(0);
  });

  it('gives distinct MSISDNs in a case', () => {
    const r = caseRandom(7);
    const nums = Array.from({ length: 50 }, () => r.msisdn());
    expect(new Set(nums).size).toBe(50);
    for (const n of nums) expect(n).toMatch(/^\+1555\d{7}$/);
  });
});
