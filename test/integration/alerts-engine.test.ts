/**
 * The alert engine over hand-made rows, on PGlite and (in CI) PostgreSQL: what the rules read from the
 * database (yesterday's gas per kWh, today's plan, the stop journal, 1C's exchange), raised once, not
 * again after a restart, cleared when the stop gets its reason.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { SiteModel } from '../../lib/site';
import { AlertEngine } from '../../lib/alerts/engine';
import { DEFAULT_THRESHOLDS } from '../../lib/alerts/rules';
import { applyUpdate, tagEvent } from '../../lib/store/downtime-store';
import { markExchange } from '../../lib/store/onec-store';
import { openAlerts } from '../../lib/store/alert-store';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { jms620 } from '../support/units';

const TZ = 'Asia/Yekaterinburg';
const at = (local: string) => Date.parse(`${local}+05:00`);
/** 19:00 on the 28th in the site's zone: after the plan check hour (18) */
const NOW = at('2026-11-28T19:00:00');

function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  s.addUnit(jms620('gpu1', { name: 'ГПУ-1', gas_meter: true }));
  s.addUnit(jms620('gpu2', { name: 'ГПУ-2' }));
  // gpu1 sent 30 s ago and runs; gpu2 has not been heard since the twin started (5 min ago).
  s.live.sample('gpu1', NOW - 30_000, { p_kw: 1500 }, NOW - 30_000);
  s.live.state('gpu1', 'run', NOW - 3_600_000);
  return s;
}

async function seed(db: Db): Promise<void> {
  await migrate(db);
  const hour = (u: string, local: string, kwh: number, gas: number | null, passport: number) =>
    db.query(
      `insert into unit_hourly (unit, hour, kwh, kwh_source, meter_m3, passport_m3, gas_m3, gas_source, service_h, data_h) values ($1, $2, $3, 'counter', $4, $5, $4, $6, 1, 1)`,
      [u, new Date(at(local)).toISOString(), kwh, gas, passport, gas === null ? null : 'meter'],
    );
  // Yesterday (27th) gpu1 on its own meter: 24 h × 600 m³ against a passport of 24 × 560 → 600/560 − 1 = 7.14 %.
  for (let h = 0; h < 24; h++) await hour('gpu1', `2026-11-27T${String(h).padStart(2, '0')}:00:00`, 2000, 600, 560);
  // Today (28th) 00:00…18:00: gpu1 1 500 kWh an hour = 28 500 kWh; gpu2 nothing.
  for (let h = 0; h < 19; h++) await hour('gpu1', `2026-11-28T${String(h).padStart(2, '0')}:00:00`, 1500, null, 0);
  // Plan for today: gpu1 48 000 kWh, gpu2 24 000 kWh → 3 000 kW together; by 19:00 due 3 000 × 19 = 57 000 kWh.
  // Behind: 1 − 28 500 / 57 000 = 50 %.
  await db.query(`insert into plan_daily (unit, day, kwh) values ('gpu1', '2026-11-28', 48000), ('gpu2', '2026-11-28', 24000)`);
  // gpu2 stopped at 15:00 and nobody said why: 4 h > 120 min.
  await applyUpdate(db, { open: { unit: 'gpu2', state: 'stop', start: at('2026-11-28T15:00:00'), category: 'unplanned' } });
  // 1C: the stock last came at 10:00 on the 27th, and fails since: 33 h by 19:00 on the 28th > 6 h.
  await markExchange(db, 'GetStock', { rows: 10 });
  await db.query(`update onec_exchange set ok_at = $1`, [new Date(at('2026-11-27T10:00:00')).toISOString()]);
  await markExchange(db, 'GetStock', { error: 'нет ответа за 30 с' });
  await db.query(`update onec_exchange set error_at = $1`, [new Date(at('2026-11-28T18:00:00')).toISOString()]);
}

for (const target of DB_TARGETS) {
  describe(`alert engine on ${target.name}`, function () {
    this.timeout(60_000);
    let db: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_alerts_engine');
      await seed(db);
    });
    after(async () => db?.close());

    it('raises what the data shows, once; a restart repeats nothing; a reason clears the stop alert', async () => {
      const s = site();
      const thresholds = { ...DEFAULT_THRESHOLDS, holdS: 0 };
      const engine = new AlertEngine(s, thresholds, NOW - 5 * 60_000);
      const first = await engine.evaluate(db, NOW);
      const got = first.messages.map((m) => `${m.event} ${m.alert!.kind}|${m.alert!.unit}|${m.alert!.value}`).sort();
      assert.deepEqual(got, [
        'alert/raise onec_exchange||33',
        'alert/raise overburn|gpu1|7.14',
        'alert/raise plan_shortfall||50',
        'alert/raise stop_untagged|gpu2|1',
      ]);
      assert.equal((await engine.evaluate(db, NOW + 30_000)).messages.length, 0);
      const restarted = new AlertEngine(s, thresholds, NOW + 60_000);
      assert.equal((await restarted.evaluate(db, NOW + 90_000)).messages.length, 0);
      assert.equal((await openAlerts(db)).length, 4);

      const [stop] = (await db.query<{ id: number }>(`select id from downtime_events where unit = 'gpu2'`));
      await tagEvent(db, Number(stop.id), 'reserve', 'reserve', undefined, 'operator');
      const after = await restarted.evaluate(db, NOW + 120_000);
      assert.deepEqual(after.messages.map((m) => `${m.event} ${m.alert!.kind}|${m.alert!.unit}`), ['alert/clear stop_untagged|gpu2']);
      assert.equal(after.open.length, 3);
    });
  });
}
