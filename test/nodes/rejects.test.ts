/** twin-normalize with a database: rejected messages counted per unit, hour and reason in rejects_hourly. */
import assert from 'node:assert/strict';
import { helper, siteConfig, load, freshDataDirEach, FlowNode } from './fixture';
import { openDb } from '../../lib/store/db';
import { HOUR_MS } from '../../lib/accounting';

const topic = (unit: string) => `energy/t1/${unit}/telemetry`;

describe('twin-normalize: rejects kept in the database', function () {
  this.timeout(60_000);
  const dataDir = freshDataDirEach('twin-rejects');

  function flow(): FlowNode[] {
    return [
      ...siteConfig(),
      { id: 'db', type: 'twin-database', retentionDays: '36500' },
      { id: 'norm', type: 'twin-normalize', site: 'site', database: 'db', wires: [[], []] },
    ];
  }

  /** Sends the messages, then stops the flow: what was counted is written on close (a restart loses nothing). */
  async function run(msgs: { topic: string; payload: unknown }[]): Promise<void> {
    await load(flow());
    const norm = helper.getNode('norm');
    for (const m of msgs) norm.receive(m);
    await new Promise((r) => setTimeout(r, 200));
    await helper.unload();
  }

  async function stored(): Promise<{ unit: string; reason: string; hour: number; n: number }[]> {
    const db = openDb({ dataDir: dataDir() });
    try {
      const rows = await db.query<{ unit: string; reason: string; ms: number; n: string }>(
        'select unit, reason, (extract(epoch from hour) * 1000)::float8 as ms, n from rejects_hourly order by unit, reason, hour',
      );
      return rows.map((r) => ({ unit: r.unit, reason: r.reason, hour: Number(r.ms), n: Number(r.n) }));
    } finally {
      await db.close();
    }
  }

  it('counts bad messages per unit and reason, and adds to the counts after a restart', async function () {
    const t0 = Date.now();
    const badTs = { topic: topic('gpu1'), payload: '{"ts": "вчера", "p_kw": 1}' };
    const unknown = { topic: topic('gpu9'), payload: `{"ts": ${t0}, "p_kw": 1}` };
    const badTopic = { topic: 'energy/t1/gpu1/status', payload: '{}' };
    const good = { topic: topic('gpu2'), payload: `{"ts": ${t0}, "p_kw": 1}` };
    // First run: 3 × bad_ts of gpu1, 2 × unknown_unit gpu9, 1 × bad_topic, and a good sample (not counted).
    await run([badTs, badTs, badTs, unknown, unknown, badTopic, good]);
    // Second run, after the restart: 2 more bad_ts of gpu1, added to the stored 3.
    await run([badTs, badTs]);
    const t1 = Date.now();
    const rows = await stored();
    // The hour of arrival: whichever hour the runs fell in (summed, should they straddle one).
    const hours = new Set([Math.floor(t0 / HOUR_MS) * HOUR_MS, Math.floor(t1 / HOUR_MS) * HOUR_MS]);
    for (const r of rows) assert.ok(hours.has(r.hour), `hour ${new Date(r.hour).toISOString()} is when they came`);
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(`${r.unit}|${r.reason}`, (sums.get(`${r.unit}|${r.reason}`) ?? 0) + r.n);
    assert.deepEqual(Object.fromEntries(sums), { '|bad_topic': 1, 'gpu1|bad_ts': 5, 'gpu9|unknown_unit': 2 });
  });
});
