/**
 * Benchmark publisher (a child process, so it has its own core): sends canonical telemetry at a
 * fixed rate over several QoS 1 connections; each message's ts is the moment it is published,
 * so the store's rows tell publish-to-commit latency. Prints the count sent as JSON at the end.
 */
import mqtt from 'mqtt';

const [url, site, units, msgPerSec, seconds, clients] = [
  process.argv[2],
  process.argv[3],
  Number(process.argv[4]),
  Number(process.argv[5]),
  Number(process.argv[6]),
  Number(process.argv[7]),
];
const qos = (process.argv[8] === '0' ? 0 : 1) as 0 | 1;
const TICK_MS = 10;

async function main(): Promise<void> {
  const conns = await Promise.all(
    Array.from({ length: clients }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-pub-${process.pid}-${i}`, clean: true })),
  );
  let sent = 0;
  let acked = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  let lastTs = 0;
  let seq = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      const due = Math.min(Math.floor(((Math.min(now, end) - start) / 1000) * msgPerSec), Math.floor(seconds * msgPerSec));
      while (sent < due) {
        // ts strictly increases per unit: one ms apart at the least, so no two samples collide.
        const ts = Math.max(Date.now(), lastTs + 1);
        lastTs = ts;
        for (let u = 1; u <= units && sent < due; u++) {
          const payload = JSON.stringify({ ts, p_kw: 2500 + (seq % 100), e_kwh: 1e6 + seq * 0.7, run_h: 1e4 + seq / 3600, running: 1, breaker: 1, fault: 0 });
          conns[sent % clients].publish(`energy/${site}/gpu${u}/telemetry`, payload, { qos }, () => acked++);
          sent++;
        }
        seq++;
      }
      if (now >= end) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  const waitUntil = Date.now() + 60_000;
  while (acked < sent && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 50));
  // force: what was not acked in time is counted as sent, not waited for forever
  await Promise.all(conns.map((c) => c.endAsync(true)));
  process.stdout.write(JSON.stringify({ sent, acked, first_ts: start, last_ts: lastTs }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
