/**
 * A day replayed through MQTT with its historic timestamps gives the same downtime journal as the
 * same samples processed live: everything runs on data time.
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { helper, siteConfig, load, tmpDir, until, api, FlowNode } from '../nodes/fixture';
import { startEmbeddedBroker, EmbeddedBroker } from '../../lib/runtime/broker';
import { gatewayLogins, TEST_GATEWAY } from '../support/mqtt';
import { PlantSimulator, TelemetryMessage } from '../../lib/simulator';
import { StateTracker } from '../../lib/state';
import { onStateChange, DowntimeEvent, hasDowntime } from '../../lib/downtime';
import { testUnit } from '../support/units';

const DAY_START = Date.parse('2026-11-10T00:00:00+05:00');
const STEP_MS = 30_000;

const UNITS = [testUnit('gpu1', 'gpu'), testUnit('gpu2', 'gpu'), testUnit('upg1', 'upg')];

/** A simulated day: gpu1 base load with frequent faults, gpu2 in reserve (stopped all day). */
function day(): TelemetryMessage[] {
  const sim = new PlantSimulator({ site: 't1', seed: 11, units: UNITS, reserve: ['gpu2'], faultRatePerHour: 0.25, tz: 'Asia/Yekaterinburg' });
  const out: TelemetryMessage[] = [];
  for (let t = DAY_START; t < DAY_START + 86_400_000; t += STEP_MS) out.push(...sim.step(t));
  return out;
}

/** The journal as live processing makes it: the state rules and the event rules, sample by sample. */
function liveJournal(messages: TelemetryMessage[]): string[] {
  const trackers = new Map(UNITS.map((u) => [u.unit, new StateTracker(u.unit, u)]));
  const open = new Map<string, DowntimeEvent>();
  const all: DowntimeEvent[] = [];
  for (const m of messages) {
    const u = m.topic.split('/')[2];
    const { ts, ...values } = m.payload as Record<string, number | string>;
    // The journal is of gensets (the gas unit's stops lose no generation).
    if (!hasDowntime(UNITS.find((x) => x.unit === u)!.kind)) continue;
    for (const c of trackers.get(u)!.push(Date.parse(String(ts)), values as Record<string, number>)) {
      const upd = onStateChange(c, open.get(u));
      if (upd.close) {
        open.get(u)!.end = upd.close.end;
        open.delete(u);
      }
      if (upd.open) {
        all.push(upd.open);
        open.set(u, upd.open);
      }
    }
  }
  return all.map((e) => `${e.unit} ${e.state} ${e.category} ${new Date(e.start).toISOString()} ${e.end === undefined ? 'open' : new Date(e.end).toISOString()}`).sort();
}

describe('integration: a replayed day through MQTT', function () {
  this.timeout(180_000);
  let broker: EmbeddedBroker;
  const savedEnv = { ...process.env };
  before(async () => {
    broker = await startEmbeddedBroker(0, { logins: gatewayLogins() });
    process.env.TWIN_DATA_DIR = tmpDir('twin-replay');
  });
  after(async () => {
    await helper.unload();
    await broker.close();
    process.env = { ...savedEnv };
  });

  it('gives the journal live processing gives', async function () {
    const messages = day();
    const expected = liveJournal(messages);
    // The seed makes a day with faults of gpu1 and gpu2's reserve stop: the comparison is not empty.
    assert.ok(expected.filter((e) => e.startsWith('gpu1 fault')).length >= 2, expected.join('\n'));
    assert.ok(expected.some((e) => e.startsWith('gpu2 stop')));

    const url = `mqtt://127.0.0.1:${broker.port}`;
    const flow: FlowNode[] = [
      ...siteConfig(),
      { id: 'db', type: 'twin-database', retentionDays: '36500' },
      { id: 'broker', type: 'twin-broker', clientId: `replay-${process.pid}` },
      { id: 'in', type: 'twin-mqtt-in', broker: 'broker', topic: 'energy/t1/+/telemetry', wires: [['norm']] },
      { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state', 'count'], []] },
      { id: 'count', type: 'helper' },
      { id: 'state', type: 'twin-state', site: 'site', wires: [[], ['down']] },
      { id: 'down', type: 'twin-downtime', site: 'site', database: 'db', wires: [['down-out']] },
      { id: 'down-out', type: 'helper' },
      { id: 'api', type: 'twin-api', site: 'site', database: 'db' },
    ];
    await load(flow, { broker: { url } });
    let received = 0;
    helper.getNode('count').on('input', () => received++);
    let updates = 0;
    helper.getNode('down-out').on('input', () => updates++);
    await until(() => (helper.getNode('broker') as any).client?.connected, 10_000, 'connect');
    const pub = await mqtt.connectAsync(url, { clientId: `replay-pub-${process.pid}`, ...TEST_GATEWAY });
    for (const m of messages) await pub.publishAsync(m.topic, JSON.stringify(m.payload), { qos: 1 });
    await pub.endAsync();
    await until(() => received === messages.length, 60_000, `${messages.length} samples`);
    // Every event opens once and all but the still-open ones close once: that many updates.
    await until(() => updates >= expected.length, 30_000, 'the journal');
    await new Promise((r) => setTimeout(r, 300));
    const j = (await api().get('/api/v1/downtime').query({ from: '2026-11-10', to: '2026-11-10' }).expect(200)).body;
    const replayed = j.events.map((e: any) => `${e.unit} ${e.state} ${e.category} ${e.start} ${e.end ?? 'open'}`).sort();
    assert.deepEqual(replayed, expected);
  });
});
