/**
 * The embedded database's memory settings: a new database is created in a child process (its
 * initdb memory does not stay in the twin) and opens with the buffer cache it is given.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../lib/store/db';
import { tmpDir } from '../nodes/fixture';

describe('integration: PGlite memory settings', function () {
  this.timeout(120_000);

  it('a new data folder is created, then opened with shared_buffers 32 MB; reopened with what it is given', async () => {
    const dataDir = tmpDir('twin-pglite-mem');
    const db = openDb({ dataDir });
    assert.deepEqual(await db.query('show shared_buffers'), [{ shared_buffers: '32MB' }]);
    await db.exec('create table t (x int); insert into t values (7)');
    await db.close();
    assert.ok(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION')));
    const again = openDb({ dataDir, pgliteBuffersMb: 48 });
    assert.deepEqual(await again.query('show shared_buffers'), [{ shared_buffers: '48MB' }]);
    // the same database, not a new one: the row written before is there
    assert.deepEqual(await again.query('select x from t'), [{ x: 7 }]);
    await again.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

});
