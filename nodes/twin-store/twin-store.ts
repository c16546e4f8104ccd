import { NodeAPI, Node, RateMeter, requireConfig, every, numberField, registerTwinNode } from '../red';
import { DatabaseNode } from '../config-types';
import { WriteBatcher } from '../../lib/store/batcher';
import { SampleRows, insertSamples, insertStateChanges, insertGaps } from '../../lib/store/samples';
import { Sample, isSample } from '../../lib/telemetry';
import { StateChange, DataGap, isStateChange } from '../../lib/state';
import { claimAck, settleAck } from '../../lib/ack-ledger';

interface StoreConfig {
  database: string;
  batchSize: string;
  maxDelayMs: string;
  maxBuffered: string;
}

/** ack: msg.ackId of the MQTT message, settled after the commit (the broker's PUBACK waits for it) */
type Item = ({ sample: Sample; gap?: DataGap } | { change: StateChange }) & { ack?: unknown };


export = (RED: NodeAPI) =>
  registerTwinNode<Node, StoreConfig>(RED, 'twin-store', (node, config) => {
    const batchSize = numberField(config.batchSize, 1000);
    const maxDelayMs = numberField(config.maxDelayMs, 100);
    const maxBuffered = numberField(config.maxBuffered, 500_000);
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error('размер пакета — целое число ≥ 1 / batch size must be an integer ≥ 1');
    if (!(maxDelayMs >= 0)) throw new Error('задержка записи — число мс ≥ 0 / max delay must be ≥ 0 ms');
    if (!(Number.isInteger(maxBuffered) && maxBuffered >= batchSize)) throw new Error('буфер — целое число не меньше размера пакета / buffer must be an integer ≥ batch size');
    const lease = requireConfig<DatabaseNode>(RED, config.database, 'база данных (twin-database)').lease();
    const stored = new RateMeter();
    let lastError = '';
    const batcher = new WriteBatcher<Item>({
      maxBatch: batchSize,
      maxDelayMs,
      maxBuffered,
      // Two writes at once let PostgreSQL use a second core; rows are idempotent, so order does not matter.
      concurrency: 2,
      write: async (items) => {
        const db = await lease.connect();
        const rows = new SampleRows();
        const changes: StateChange[] = [];
        const gaps: DataGap[] = [];
        for (const it of items) {
          if ('sample' in it) {
            rows.add(it.sample);
            if (it.gap) gaps.push(it.gap);
          } else changes.push(it.change);
        }
        await insertStateChanges(db, changes);
        await insertGaps(db, gaps);
        await insertSamples(db, rows);
        stored.add(rows.points);
        for (const it of items) if (it.ack !== undefined) settleAck(it.ack);
      },
      onError: (err, retryMs, buffered) => {
        if (err.message !== lastError) node.warn(`запись в базу не удалась, повтор через ${retryMs} мс, в буфере ${buffered} / write failed, retrying: ${err.message}`);
        lastError = err.message;
      },
      onRecover: () => {
        node.log('запись в базу восстановлена / writes resumed');
        lastError = '';
      },
      onDrop: (n) => node.error(`буфер переполнен, потеряно ${n} образцов: база недоступна слишком долго / buffer full, ${n} samples dropped`),
    });
    node.on('input', (msg, _send, done) => {
      const p = msg.payload;
      const ack = msg.ackId;
      if (isSample(p) || isStateChange(p)) {
        // Claimed now: the ack waits for the commit however long the database is away.
        claimAck(ack);
        batcher.push(isSample(p) ? { sample: p, gap: msg.gap as DataGap | undefined, ack } : { change: p, ack });
      } else {
        done(new Error('ожидался образец ({unit, ts, values}) или смена состояния ({unit, state, since}) / expected a sample or a state change'));
        return;
      }
      done();
    });
    every(node, 2000, () => {
      const rate = Math.round(stored.take());
      if (lastError) node.status({ fill: 'red', shape: 'ring', text: `нет записи: ${lastError.slice(0, 40)}; в буфере ${batcher.buffered}` });
      else node.status({ fill: 'green', shape: 'dot', text: `${rate} точек/с, всего ${stored.total}, в буфере ${batcher.buffered}` });
    });
    node.on('close', (_removed, done) => {
      // Flush before letting go of the database, so a redeploy or shutdown loses nothing queued.
      void batcher
        .close()
        .then(() => lease.release())
        .then(() => done());
    });
  });
