/**
 * The embedded demo's first start: before the flows run, the simulated plant's last days are
 * written to the empty database (lib/demo-history.ts), so the twin resumes as if it had been
 * running. Nothing happens on a database that already holds samples.
 */
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { Db, openDb } from '../store/db';
import { migrate } from '../store/schema';
import { insertSamples, insertStateChanges, SampleRows } from '../store/samples';
import { applyUpdate } from '../store/downtime-store';
import { upsertPlan } from '../store/plan-store';
import { hasSamples } from '../store/health-store';
import { HourlyRollup } from '../store/rollup';
import { demoHistory } from '../demo-history';
import { countersFile, formatCountersFile } from '../simulator';
import { unitFromFields, UnitFields, validateUnit, parseNumberField } from '../units';

interface FlowNode {
  id: string;
  type: string;
  [k: string]: unknown;
}

const STEP_MS = 60_000;
const BATCH = 2000;

/** The simulator's options as the flow file configures them (the first twin-simulator and its site). */
export function simulatorFromFlows(flows: FlowNode[], defaultTz: string) {
  const simNode = flows.find((n) => n.type === 'twin-simulator' && !n.d);
  const siteNode = simNode && flows.find((n) => n.id === simNode.site);
  if (!simNode || !siteNode) return undefined;
  const units = flows
    .filter((n) => n.type === 'twin-unit' && n.site === siteNode.id)
    .map((n) => unitFromFields(n as unknown as UnitFields))
    .filter((u) => validateUnit(u).length === 0);
  return {
    site: String(siteNode.site),
    seed: parseNumberField(simNode.seed, 1),
    units,
    reserve: String(simNode.reserve ?? '').split(/[,;\s]+/).filter(Boolean),
    faultRatePerHour: parseNumberField(simNode.faultRate, 0.02),
    tz: String(siteNode.tz || '') || defaultTz,
  };
}

/**
 * Writes `days` of history up to `now` into an empty database and the simulator's counters file
 * (valid at the history's last sample), so the live simulator continues them. Returns the samples written (0 when there was data).
 */
export async function seedDemoHistory(db: Db, flowFile: string, dataDir: string, defaultTz: string, days: number, now: number): Promise<number> {
  if (!(days > 0)) return 0;
  if (await hasSamples(db)) return 0;
  const opts = simulatorFromFlows(JSON.parse(fs.readFileSync(flowFile, 'utf8')) as FlowNode[], defaultTz);
  if (!opts || opts.units.length === 0) return 0;
  // The last sample is now: the live simulator follows within the unit timeout, so no gap shows as «Нет связи».
  const to = now;
  const h = demoHistory(opts, to - days * 86_400_000, to, STEP_MS);
  for (let i = 0; i < h.samples.length; i += BATCH) {
    const rows = new SampleRows();
    for (const s of h.samples.slice(i, i + BATCH)) rows.add(s);
    await insertSamples(db, rows);
  }
  await insertStateChanges(db, h.changes);
  for (const u of h.updates) await applyUpdate(db, u);
  await upsertPlan(db, h.plan);
  // The history's hourly accounting too, so the first page already shows the days it covers.
  const rollup = new HourlyRollup((id) => opts.units.find((u) => u.unit === id), { gensets: () => opts.units.filter((u) => u.kind === 'gpu') });
  while ((await rollup.run(db)).more);
  fs.mkdirSync(dataDir, { recursive: true });
  // With their data time: the live simulator runs the plant on from the history's end to its first step.
  fs.writeFileSync(countersFile(dataDir, opts.site), formatCountersFile({ ts: h.countersAt, counters: h.counters }));
  return h.samples.length;
}

/** What seedInChild passes to the child (argv[2], JSON). */
interface SeedJob {
  databaseUrl?: string;
  dataDir: string;
  pgliteBuffersMb: number;
  flowFile: string;
  tz: string;
  days: number;
  now: number;
}

/**
 * Writes the demo history in a child process: the embedded database's WASM heap grows with the
 * history's writes and rollups and never shrinks, so in the twin's process it would stay resident
 * (+47 MB a minute after the first start, `BENCH_PARTS=rss_rest npm run bench:footprint`). Resolves to the samples written.
 */
export function seedInChild(job: SeedJob): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [__filename, JSON.stringify(job)], { timeout: 600_000, maxBuffer: 4 * 2 ** 20 }, (err, out, stderr) => {
      const n = /^SEEDED (\d+)$/m.exec(out);
      if (err || !n) reject(new Error(`демо-история не записана: ${stderr.trim() || err?.message || out}; удалите папку данных или задайте TWIN_DEMO_DAYS=0 / the demo history was not written`));
      else resolve(Number(n[1]));
    }),
  );
}

if (require.main === module) {
  const job = JSON.parse(process.argv[2]) as SeedJob;
  const db = openDb({ url: job.databaseUrl, dataDir: job.dataDir, pgliteBuffersMb: job.pgliteBuffersMb });
  (async () => {
    try {
      await migrate(db);
      console.log(`SEEDED ${await seedDemoHistory(db, job.flowFile, job.dataDir, job.tz, job.days, job.now)}`);
    } finally {
      await db.close();
    }
  })().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
