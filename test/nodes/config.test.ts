import assert from 'node:assert/strict';
import { helper, siteConfig, load, until, api } from './fixture';

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

  it('twin-economics holds the fixed monthly costs for the nodes that reference it, and names a bad amount', async function () {
    const [site] = siteConfig();
    await load([site, { id: 'econ', type: 'twin-economics', site: 'site', depreciation: '1 500 000', payroll: '900000,50', other: '', from: '2026-03' }]);
    const e = (helper.getNode('econ') as any).costs;
    // "1 500 000" with spaces and "900000,50" with a decimal comma are read as typed; empty is 0; from the 1st of the month.
    assert.deepEqual(e.depreciation_rub_month, [{ from: '2026-03-01', value: 1_500_000 }]);
    assert.deepEqual(e.payroll_rub_month, [{ from: '2026-03-01', value: 900_000.5 }]);
    assert.deepEqual(e.other_rub_month, [{ from: '2026-03-01', value: 0 }]);
    // It no longer writes into the site node's state.
    assert.deepEqual((helper.getNode('site') as any).model.economics.depreciation_rub_month, []);
    await helper.unload();
    await load([site, { id: 'econ', type: 'twin-economics', site: 'site', depreciation: '-5', from: '2026-03' }]);
    await until(() => errors().some((e) => e.includes('depreciation_rub_month') && e.includes('≥ 0')), 3000, 'amount error');
    assert.equal((helper.getNode('econ') as any).costs, undefined);
  });

  describe('nodes reference twin-economics and twin-maintenance-program (issue 14)', function () {
    const econ = { id: 'econ', type: 'twin-economics', site: 'site', depreciation: '0', payroll: '4200000', other: '0', from: '2026-01' };
    const prog = { id: 'prog', type: 'twin-maintenance-program', site: 'site', name: 'JMS 620', units: '', laborRate: '2500', horizonDays: '90', services: [{ name: 'ТО-2000', interval_h: '2000', labor_h: '12', parts: '' }] };
    const warnings = (): string[] => helper.log().args.filter((a: any[]) => a[0].level === helper.log().WARN).map((a: any[]) => String(a[0].msg));

    it('twin-api takes the payroll of the twin-economics it references (no warning)', async function () {
      await load([...siteConfig(), econ, prog, { id: 'api', type: 'twin-api', site: 'site', economics: 'econ', program: 'prog' }]);
      const body = (await api().get('/api/v1/site').expect(200)).body;
      assert.equal(body.economics.payroll_rub_month, 4_200_000);
      assert.ok(!warnings().some((w) => w.includes('twin-economics')), warnings().join('\n'));
    });

    it('a flow saved before the reference keeps working: every twin-economics of the site, with a warning', async function () {
      await load([...siteConfig(), econ, { id: 'api', type: 'twin-api', site: 'site' }]);
      const body = (await api().get('/api/v1/site').expect(200)).body;
      assert.equal(body.economics.payroll_rub_month, 4_200_000);
      await until(() => warnings().some((w) => w.includes('no twin-economics selected')), 3000, 'fallback warning');
    });

    it('a reference to a missing config node is a configuration error that names it', async function () {
      await load([...siteConfig(), { id: 'api', type: 'twin-api', site: 'site', economics: 'gone' }]);
      await until(() => errors().some((e) => e.includes('twin-economics')), 3000, 'missing config error');
    });
  });

  it('refuses an unknown time zone and names it', async function () {
    await load([{ ...siteConfig()[0], tz: 'Europe/Atlantis' }]);
    await until(() => errors().some((e) => e.includes('Europe/Atlantis')), 3000, 'tz error');
  });
});
