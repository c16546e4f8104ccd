import { NodeAPI, numberField, failConfig } from '../red';
import { DatabaseNode, DbLease } from '../config-types';
import { acquireDb, Db } from '../../lib/store/db';
import { migrate, applyRetention, SchemaInfo } from '../../lib/store/schema';
import { readEnv } from '../../lib/runtime/env';

interface DatabaseConfig {
  retentionDays: string;
}

const RETENTION_CHECK_MS = 3_600_000;

export = function (RED: NodeAPI) {
  function TwinDatabaseNode(this: DatabaseNode, config: DatabaseConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    const env = readEnv();
    const target = { url: this.credentials?.url || env.databaseUrl, dataDir: env.dataDir };
    const retentionDays = numberField(config.retentionDays, 90);
    let schema: SchemaInfo | undefined;
    const prepare = async (db: Db) => {
      schema = await migrate(db);
      node.log(`база данных / database: ${db.label}, схема v${schema.version}${schema.timescale ? ', TimescaleDB' : ''}`);
      if (schema.timescaleProblem) node.warn(`TimescaleDB есть, но не подключилась, работаем на обычных таблицах / TimescaleDB is listed but unusable: ${schema.timescaleProblem}`);
    };
    this.lease = () => {
      const s = acquireDb(target, prepare);
      return { connect: () => s.ready().then(() => s.db), release: () => s.release() };
    };
    let own: DbLease | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!(retentionDays > 0)) throw new Error('срок хранения — число дней > 0 / retention must be a number of days > 0');
      const lease = this.lease();
      own = lease;
      const prune = () =>
        lease
          .connect()
          .then((db) => applyRetention(db, retentionDays, Boolean(schema?.timescale)))
          .catch((err: Error) => node.warn(`база данных недоступна или очистка не удалась / database unavailable or retention failed: ${err.message}`));
      void prune();
      timer = setInterval(prune, RETENTION_CHECK_MS);
    } catch (err) {
      failConfig(this, err);
    }
    this.on('close', (_removed, done) => {
      if (timer) clearInterval(timer);
      void (own?.release() ?? Promise.resolve()).then(() => done());
    });
  }
  RED.nodes.registerType('twin-database', TwinDatabaseNode, { credentials: { url: { type: 'password' } } });
};
