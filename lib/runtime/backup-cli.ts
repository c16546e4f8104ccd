/**
 * `npm run backup [-- FILE]` and `npm run restore -- FILE`: the data dir (and PostgreSQL) to one
 * archive and back, with the same settings (environment) as `npm start`.
 */
import path from 'node:path';
import { readEnv } from './env';
import { backup, restore } from './backup';

const USAGE = 'использование / usage: npm run backup [-- ФАЙЛ.tar.gz]  |  npm run restore -- ФАЙЛ.tar.gz';

async function main(): Promise<void> {
  const [command, arg] = process.argv.slice(2);
  const env = readEnv();
  if (command === 'backup') {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
    const file = path.resolve(arg ?? `energy-twin-backup-${stamp}.tar.gz`);
    const m = await backup(env, file);
    console.log(`[energy-twin] резервная копия / backup: ${file} (${m.database === 'postgres' ? 'PostgreSQL pg_dump' : 'PGlite'} + ${env.dataDir})`);
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
