/**
 * `npm run backup [-- FILE]` and `npm run restore -- FILE`: the data dir (and PostgreSQL) to one
 * archive and back, with the same settings (environment) as `npm start`.
 */
import path from 'node:path';
import { readEnv } from './env';
import { backup, restore } from './backup';

const USAGE = 'использование / usage: npm run backup [-- [--without-database] ФАЙЛ.tar.gz]  |  npm run restore -- ФАЙЛ.tar.gz';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // PostgreSQL backed up apart (pg_dump of its own container): the archive holds the data dir only.
  const withoutDatabase = args.includes('--without-database');
  const [command, arg] = args.filter((a) => a !== '--without-database');
  const env = readEnv();
  if (command === 'backup') {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
    const file = path.resolve(arg ?? `energy-twin-backup-${stamp}.tar.gz`);
    const m = await backup(env, file, withoutDatabase);
    const db = { postgres: 'PostgreSQL pg_dump', pglite: 'PGlite', none: 'без базы / no database' }[m.database];
    console.log(`[energy-twin] резервная копия / backup: ${file} (${db} + ${env.dataDir})`);
    if (m.credential_secret_from_env) console.log('[energy-twin] TWIN_CREDENTIAL_SECRET задан: храните его отдельно, без него пароли в схемах не расшифровать / keep TWIN_CREDENTIAL_SECRET apart: the flows\' credentials need it');
  } else if (command === 'restore' && arg) {
    const m = await restore(env, path.resolve(arg));
    console.log(`[energy-twin] восстановлено в ${env.dataDir} из копии версии ${m.version} от ${m.created} / restored; start the twin (npm start)`);
  } else {
    console.error(USAGE);
    process.exit(2);
  }
}

main().catch((err) => {
  console.error(`[energy-twin] ${err.message}`);
  process.exit(1);
});
