import assert from 'node:assert/strict';
import { helper, siteConfig, load, until } from './fixture';

function errors(): string[] {
  return helper
    .log()
    .args.filter((a: any[]) => a[0].level === helper.log().ERROR)
    .map((a: any[]) => String(a[0].msg));
}

describe('twin-site and twin-unit config nodes', function () {
  afterEach(() => helper.unload());

  it('registers the units of a site and refuses a duplicate id', async function () {
    const [site, gpu1] = siteConfig();
    await load([site, gpu1, { ...gpu1, id: 'unit-dup', name: 'копия' }]);
    const model = (helper.getNode('site') as any).model;
    assert.deepEqual(model.unitList().map((u: any) => u.unit), ['gpu1']);
    await until(() => errors().some((e) => e.includes('gpu1') && e.includes('used twice')), 3000, 'duplicate error');
  });

  it('says which field of a unit is wrong', async function () {
    const [site, gpu1] = siteConfig();
    await load([site, { ...gpu1, ratedKw: 'abc', f75: '100' }]);
    await until(() => errors().some((e) => e.includes('rated_kw') && e.includes('passport')), 3000, 'field errors');
    assert.equal((helper.getNode('site') as any).model.unitList().length, 0);
  });

  it('adds the fixed monthly costs of twin-economics to its site, and names a bad amount', async function () {
    const [site] = siteConfig();
    await load([site, { id: 'econ', type: 'twin-economics', site: 'site', depreciation: '1 500 000', payroll: '900000,50', other: '', from: '2026-03' }]);
    const e = (helper.getNode('site') as any).model.economics;
    // "1 500 000" with spaces and "900000,50" with a decimal comma are read as typed; empty is 0; from the 1st of the month.
    assert.deepEqual(e.depreciation_rub_month, [{ from: '2026-03-01', value: 1_500_000 }]);
    assert.deepEqual(e.payroll_rub_month, [{ from: '2026-03-01', value: 900_000.5 }]);
    assert.deepEqual(e.other_rub_month, [{ from: '2026-03-01', value: 0 }]);
    await helper.unload();
    await load([site, { id: 'econ', type: 'twin-economics', site: 'site', depreciation: '-5', from: '2026-03' }]);
    await until(() => errors().some((e) => e.includes('depreciation_rub_month') && e.includes('≥ 0')), 3000, 'amount error');
    assert.deepEqual((helper.getNode('site') as any).model.economics.depreciation_rub_month, []);
  });

  it('refuses an unknown time zone and names it', async function () {
    await load([{ ...siteConfig()[0], tz: 'Europe/Atlantis' }]);
    await until(() => errors().some((e) => e.includes('Europe/Atlantis')), 3000, 'tz error');
  });
});
