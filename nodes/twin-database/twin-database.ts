import { NodeAPI, numberField, registerTwinNode } from '../red';
import { DatabaseNode } from '../config-types';
import { acquireDb, Db } from '../../lib/store/db';
import { migrate, applyRetention, addCompressionPolicy, SchemaInfo } from '../../lib/store/schema';
import { runMove } from '../../lib/store/sample-move';
import { readEnv } from '../../lib/runtime/env';
import { auditTrail } from '../../lib/audit';
import { auditSink } from '../../lib/store/audit-store';

interface DatabaseConfig {
  retentionDays: string;
}

const RETENTION_CHECK_MS = 3_600_000;

export = (RED: NodeAPI) =>
  registerTwinNode<DatabaseNode, DatabaseConfig>(RED, 'twin-database', (node, config) => {
    const env = readEnv();
    const target = { url: node.credentials?.url || env.databaseUrl, dataDir: env.dataDir, pgliteBuffersMb: env.pgliteBuffersMb };
    const retentionDays = numberField(config.retentionDays, 90);
    let schema: SchemaInfo | undefined;
    const prepare = async (db: Db) => {
      schema = await migrate(db);
      node.log(`база данных / database: ${db.label}, схема v${schema.version}${schema.timescale ? ', TimescaleDB' : ''}`);
      if (schema.timescaleProblem) node.warn(`TimescaleDB есть, но не подключилась, работаем на обычных таблицах / TimescaleDB is listed but unusable: ${schema.timescaleProblem}`);
    };
    node.lease = () => {
      const s = acquireDb(target, prepare);
      return { connect: () => s.ready().then(() => s.db), release: () => s.release() };
    };
    if (!(retentionDays > 0)) throw new Error('срок хранения — число дней > 0 / retention must be a number of days > 0');
    // The node's own hold, for retention; nodes that write take theirs with lease().
    const lease = node.lease();
    const prune = () =>
      lease
        .connect()
        .then((db) => applyRetention(db, retentionDays, Boolean(schema?.timescale)))
        .catch((err: Error) => node.warn(`база данных недоступна или очистка не удалась / database unavailable or retention failed: ${err.message}`));
    void prune();
    // Samples of an older version (one row per signal) move to one row per sample while the twin runs.
    let closed = false;
    const moving = lease
      .connect()
      .then((db) =>
        runMove(db, {
          stopped: () => closed,
          onProgress: (p) => node.log(`перенос старых образцов: ${p.rows} строк, дошли до ${p.doneBefore === undefined ? '?' : new Date(p.doneBefore).toISOString()} / moving old samples`),
          onEnd: async () => {
            if (schema?.timescale) await addCompressionPolicy(db);
          },
          onDone: (rows) => node.log(`старые образцы перенесены (${rows} строк), таблица samples удалена / old samples moved, table dropped`),
        }),
      )
      .catch((err: Error) => node.warn(`перенос старых образцов прерван, продолжится при следующем запуске / moving old samples stopped, it resumes on the next start: ${err.message}`));
    // The audit trail's entries (API changes, logins, deploys) go to this database while it is deployed.
    const detachAudit = auditTrail.attach(auditSink(() => lease.connect()));
    const timer = setInterval(prune, RETENTION_CHECK_MS);
    node.on('close', (_removed, done) => {
      closed = true;
      clearInterval(timer);
      detachAudit();
      void moving.then(() => lease.release()).then(() => done());
    });
  }, { credentials: { url: { type: 'password' } } });
