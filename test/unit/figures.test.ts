import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** The shipped flows (dist/test/unit → the repository root). */
const FLOWS = path.resolve(__dirname, '..', '..', '..', 'flows', 'flows.json');

/** The `big (x, kind, sign, exact) { … }` method of each dashboard template that has one. */
function bigMethods(): Map<string, string> {
  const nodes = JSON.parse(fs.readFileSync(FLOWS, 'utf8')) as { id: string; type: string; format?: string }[];
  const found = new Map<string, string>();
  for (const n of nodes) {
    const m = n.type === 'ui-template' ? /\n {4}big \(x, kind, sign, exact\) \{\n[\s\S]*?\n {4}\},\n/.exec(n.format ?? '') : null;
    if (m) found.set(n.id, m[0]);
  }
  return found;
}

describe('figures scaled for reading: the dashboard templates\' big()', () => {
  const methods = bigMethods();
  const body = [...methods.values()][0].trim().replace(/^big \(x, kind, sign, exact\) \{/, '').replace(/\},$/, '');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const big = new Function('x', 'kind', 'sign', 'exact', body) as (x: number | null, kind: string, sign?: boolean, exact?: boolean) => string;
  const plain = (t: string) => t.replace(/[\u00a0\u202f]/g, ' ');

  it('is the same method in every overview that shows totals (one rule, not several)', () => {
    assert.deepEqual([...methods.keys()].sort(), ['n-accounting-ov', 'n-downtime-ui', 'n-economics-ov']);
    assert.equal(new Set(methods.values()).size, 1);
  });

  it('kWh: up to 9 999 as kWh, from 10 000 as МВт·ч with one decimal; the exact figure in whole kWh', () => {
    assert.equal(plain(big(9999.4, 'kwh')), '9 999 кВт·ч');
    assert.equal(plain(big(10000, 'kwh')), '10,0 МВт·ч');
    // a month of 4 gensets: 1 234 567 kWh = 1 234,567 MWh → 1 234,6
    assert.equal(plain(big(1234567, 'kwh')), '1 234,6 МВт·ч');
    assert.equal(plain(big(1234567, 'kwh', false, true)), '1 234 567 кВт·ч');
  });

  it('roubles: ₽ below 100 000, тыс. ₽ to a million, млн ₽ above, signed when asked; m³ likewise', () => {
    assert.equal(plain(big(99999, 'rub')), '99 999 ₽');
    assert.equal(plain(big(456789, 'rub')), '456,8 тыс. ₽'); // 456 789 / 1 000
    assert.equal(plain(big(1267460, 'rub', true)), '+1,27 млн ₽'); // 1 267 460 / 10⁶
    assert.equal(plain(big(-2500000, 'rub', true)), '-2,50 млн ₽');
    assert.equal(plain(big(1267460.4, 'rub', true, true)), '+1 267 460 ₽');
    assert.equal(plain(big(2016000, 'm3')), '2 016,0 тыс. м³');
    assert.equal(big(null, 'rub'), '—');
  });
});
