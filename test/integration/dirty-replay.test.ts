/**
 * A dirty day replayed through MQTT on the embedded broker and PGlite gives the clean day's figures
 * (DESIGN.md "Dirty data"): the same simulated 6 hours published twice into two fresh twins, once
 * clean, once with a site-meter reading of 0, a kWh counter missing for an hour while power comes,
 * a genset silent for an hour while it ran, half an hour of a genset's samples arriving late
 * (store-and-forward), some messages twice, and a motor-hour counter that starts again at 12 h.
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { helper, siteConfig, load, tmpDir, until, api, FlowNode } from '../nodes/fixture';
import { startEmbeddedBroker, EmbeddedBroker } from '../../lib/runtime/broker';
import { gatewayLogins, TEST_GATEWAY } from '../support/mqtt';
import { PlantSimulator, TelemetryMessage } from '../../lib/simulator';
import { testUnit } from '../support/units';

const START = Date.parse('2026-11-10T00:00:00+05:00');
const STEP_MS = 30_000;
const H = 3_600_000;
const UNITS = [testUnit('gpu1', 'gpu'), testUnit('gpu2', 'gpu'), testUnit('upg1', 'upg')];

/** Six hours of the simulated plant: both gensets on base load, no faults. */
function clean(): TelemetryMessage[] {
  const sim = new PlantSimulator({ site: 't1', seed: 7, units: UNITS, reserve: [], faultRatePerHour: 0, tz: 'Asia/Yekaterinburg' });
  const out: TelemetryMessage[] = [];
  for (let t = START; t <= START + 6 * H; t += STEP_MS) out.push(...sim.step(t));
  return out;
}

const unitOf = (m: TelemetryMessage) => m.topic.split('/')[2];
const tsOf = (m: TelemetryMessage) => Date.parse(String(m.payload.ts));

function dirty(messages: TelemetryMessage[]): TelemetryMessage[] {
  const inTime: TelemetryMessage[] = [];
  const late: TelemetryMessage[] = [];
  let runHAtReset: number | undefined;
  for (const original of messages) {
    const m = { topic: original.topic, payload: { ...original.payload } };
    const [u, t] = [unitOf(m), tsOf(m) - START];
    if (u === 'upg1' && t === 1.5 * H) m.payload.gas_m3 = 0; // the site meter reads 0 once
    if (u === 'gpu1' && t > 2 * H && t < 3 * H) delete m.payload.e_kwh; // kWh counter missing, power still comes
    if (u === 'gpu2' && t > 3 * H && t < 4 * H) continue; // the gateway of gpu2 silent while it runs
    if (u === 'gpu1' && t >= 5 * H) {
      runHAtReset ??= Number(m.payload.run_h);
      m.payload.run_h = 12 + Number(m.payload.run_h) - runHAtReset; // controller replaced
    }
    if (u === 'gpu2' && t >= 4.5 * H && t < 5 * H) late.push(m); // store-and-forward after the rest
    else inTime.push(m);
    if (t === 2.25 * H) inTime.push(m); // a message twice (QoS 1 redelivery)
  }
  return [...inTime, ...late];
}

describe('integration: a dirty day through MQTT gives the clean day\'s figures', function () {
  this.timeout(240_000);
  let broker: EmbeddedBroker;
  const savedEnv = { ...process.env };
  before(async () => {
    broker = await startEmbeddedBroker(0, { logins: gatewayLogins() });
  });
  after(async () => {
    await helper.unload();
    await broker.close();
    process.env = { ...savedEnv };
  });

  /** Publishes the messages into a fresh twin and returns its accounting, OEE and journal once rolled up. */
  async function twin(name: string, messages: TelemetryMessage[]) {
    await helper.unload();
    process.env.TWIN_DATA_DIR = tmpDir(`twin-dirty-${name}`);
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const flow: FlowNode[] = [
      ...siteConfig(),
      { id: 'db', type: 'twin-database', retentionDays: '36500' },
      { id: 'broker', type: 'twin-broker', clientId: `dirty-${name}-${process.pid}` },
      { id: 'in', type: 'twin-mqtt-in', broker: 'broker', topic: 'energy/t1/+/telemetry', wires: [['norm']] },
      { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state', 'count'], []] },
      { id: 'count', type: 'helper' },
      { id: 'state', type: 'twin-state', site: 'site', database: 'db', wires: [['store'], ['store', 'down']] },
      { id: 'store', type: 'twin-store', database: 'db', batchSize: '500', maxDelayMs: '20' },
      { id: 'down', type: 'twin-downtime', site: 'site', database: 'db', wires: [[]] },
      { id: 'acc', type: 'twin-accounting', site: 'site', database: 'db', intervalS: '1', wires: [[]] },
      { id: 'api', type: 'twin-api', site: 'site', database: 'db' },
    ];
    await load(flow, { broker: { url } });
    let received = 0;
    helper.getNode('count').on('input', () => received++);
    await until(() => (helper.getNode('broker') as any).client?.connected, 10_000, 'connect');
    const pub = await mqtt.connectAsync(url, { clientId: `dirty-pub-${name}-${process.pid}`, ...TEST_GATEWAY });
    for (const m of messages) await pub.publishAsync(m.topic, JSON.stringify(m.payload), { qos: 1 });
    await pub.endAsync();
    await until(() => received === messages.length, 60_000, `${messages.length} samples`);
    const period = { from: new Date(START).toISOString(), to: new Date(START + 6 * H).toISOString() };
    // Rolled up once nothing is pending in the period (the API says «данные обрабатываются» until then)
    // and every genset has hours: under load the store may not have written a sample yet, and
    // nothing pending then means nothing stored, not all rolled up.
    const accounting = await until(async () => {
      const r = (await api().get('/api/v1/accounting').query({ ...period, step: 'day' }).expect(200)).body;
      return r.pending || !r.rows.every((row: { data_h: number }) => row.data_h > 0) ? undefined : r;
    }, 120_000, 'the rollup');
    const oee = (await api().get('/api/v1/oee').query(period).expect(200)).body;
    const downtime = (await api().get('/api/v1/downtime').query(period).expect(200)).body;
    const kpi = (await api().get('/api/v1/kpi').query(period).expect(200)).body;
    return { accounting, oee, downtime, kpi };
  }

  it('kWh, gas, service hours, OEE and the journal', async () => {
    const messages = clean();
    const c = await twin('clean', messages);
    const d = await twin('dirty', dirty(messages));
    const row = (r: any, unit: string) => r.accounting.rows.find((x: any) => x.unit === unit);
    for (const unit of ['gpu1', 'gpu2']) {
      // Both ran all 6 h: the counters' sums are the same, silences and all.
      assert.ok(Math.abs(row(d, unit).kwh - row(c, unit).kwh) <= 0.01, `${unit} kWh ${row(d, unit).kwh} vs ${row(c, unit).kwh}`);
      assert.ok(Math.abs(row(d, unit).service_h - 6) <= 1e-6, `${unit} service ${row(d, unit).service_h}`);
      // The site meter is split by passport gas per hour: a silent hour's passport comes from its mean power.
      assert.ok(Math.abs(row(d, unit).gas_m3 / row(c, unit).gas_m3 - 1) <= 0.005, `${unit} gas ${row(d, unit).gas_m3} vs ${row(c, unit).gas_m3}`);
    }
    assert.ok(Math.abs(d.accounting.totals.site_meter_m3 - c.accounting.totals.site_meter_m3) <= 0.01, `${d.accounting.totals.site_meter_m3} vs ${c.accounting.totals.site_meter_m3}`);
    // Availability 1 and no downtime on either: the silence of a unit that ran is no stop.
    for (const u of d.oee.units) assert.equal(u.availability, 1, JSON.stringify(u));
    assert.deepEqual(d.downtime.events, []);
    assert.deepEqual(c.downtime.events, []);
    // The O&M KPIs do not move with dirty data: the same КИУМ, reliability 1, no unknown hours, the same starts and trips.
    const kpi = (r: any) => r.kpi.units.map((u: any) => ({ unit: u.unit, cf: Math.round(u.capacity_factor * 1e4), reliability: u.reliability, starts: u.starts, failed: u.failed_starts, trips: u.trips, unknown_h: u.unknown_h }));
    assert.deepEqual(kpi(d), kpi(c));
    for (const u of d.kpi.units) assert.deepEqual([u.reliability, u.unknown_h, u.trips], [1, 0, 0], JSON.stringify(u));
  });
});
