import assert from 'node:assert/strict';
import path from 'node:path';
import { readEnv, SettingsError } from '../../lib/runtime/env';

/** The problems readEnv reports for env (none: []). */
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    readEnv(env);
    return [];
  } catch (err) {
    assert.ok(err instanceof SettingsError, String(err));
    return err.problems;
  }
}

describe('env: settings checked at start', () => {
  it('nothing set: the embedded defaults, HTTP on loopback', () => {
    const e = readEnv({});
    assert.deepEqual(e, {
      port: 1880,
      host: '127.0.0.1',
      mqttUrl: undefined,
      mqttPort: 1883,
      databaseUrl: undefined,
      dataDir: path.resolve('data'),
      simulator: true,
      tz: 'Europe/Moscow',
      demoDays: 4,
      brokerWalMb: 1024,
      pgliteBuffersMb: 32,
      logLevel: 'info',
      auditStdout: false,
    });
  });

  it('valid values are taken as given; an external database turns the simulator off unless asked', () => {
    const e = readEnv({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgresql://twin:s3cret@db:5432/x', MQTT_URL: 'mqtts://b:8883',
      TWIN_TZ: 'Asia/Yekaterinburg', TWIN_DEMO_DAYS: '0', TWIN_BROKER_WAL_MB: '65535', TWIN_LOG_LEVEL: 'WARN',
    });
    assert.equal(e.port, 8080);
    assert.equal(e.host, '0.0.0.0');
    assert.equal(e.simulator, false);
    assert.equal(e.tz, 'Asia/Yekaterinburg');
    assert.equal(e.demoDays, 0);
    assert.equal(e.brokerWalMb, 65535);
    assert.equal(e.logLevel, 'warn');
    assert.equal(readEnv({ DATABASE_URL: 'postgres://db/x', TWIN_SIMULATOR: 'ON' }).simulator, true);
    assert.equal(readEnv({ TWIN_SIMULATOR: 'no' }).simulator, false);
    assert.equal(readEnv({ TWIN_AUDIT_STDOUT: '1' }).auditStdout, true);
    assert.equal(readEnv({ HOST: '::' }).host, '::');
    assert.equal(readEnv({ HOST: 'twin.plant.local' }).host, 'twin.plant.local');
  });

  it('every wrong value is reported at once, none replaced by its default', () => {
    const p = problems({
      PORT: 'abc', MQTT_PORT: '70000', TWIN_BROKER_WAL_MB: '100000', TWIN_DEMO_DAYS: '-1', TWIN_TZ: 'Mars/Base',
      TWIN_SIMULATOR: 'maybe', MQTT_URL: 'http://u:pw@broker', DATABASE_URL: 'mysql://root:pw@db/x', HOST: 'not a host', TWIN_LOG_LEVEL: 'loud',
      TWIN_AUDIT_STDOUT: 'json',
    });
    // 11 settings, 11 problems, each starting with its variable's name
    assert.deepEqual(
      p.map((x) => /^[A-Z_]+/.exec(x)?.[0]),
      ['PORT', 'MQTT_PORT', 'TWIN_DEMO_DAYS', 'TWIN_BROKER_WAL_MB', 'HOST', 'MQTT_URL', 'DATABASE_URL', 'TWIN_SIMULATOR', 'TWIN_AUDIT_STDOUT', 'TWIN_TZ', 'TWIN_LOG_LEVEL'],
    );
    assert.match(p[0], /PORT="abc": нужно целое число 1…65535 .* must be a whole number 1…65535/);
    assert.match(p[2], /0…90/);
    assert.match(p[3], /0…65535/);
    assert.match(p[7], /on или off/);
    assert.match(p[8], /TWIN_AUDIT_STDOUT="json": нужно on или off/);
    assert.match(p[9], /Mars\/Base/);
  });

  it('the boundaries: PORT 0 and 65536 are wrong, 1 and 65535 right; a fraction or a sign is wrong', () => {
    assert.equal(problems({ PORT: '0' }).length, 1);
    assert.equal(problems({ PORT: '65536' }).length, 1);
    assert.equal(readEnv({ PORT: '1' }).port, 1);
    assert.equal(readEnv({ PORT: '65535' }).port, 65535);
    assert.equal(problems({ PORT: '80.5' }).length, 1);
    assert.equal(problems({ PORT: '+80' }).length, 1);
    assert.equal(problems({ TWIN_DEMO_DAYS: '91' }).length, 1);
  });

  it('a wrong URL is shown by its scheme only: its password stays out of the message', () => {
    const msg = (() => {
      try {
        readEnv({ MQTT_URL: 'http://gw:hunter2@broker', DATABASE_URL: 'twin:hunter2@db' });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    assert.match(msg, /MQTT_URL \(http:\/\/…\)/);
    assert.match(msg, /DATABASE_URL \(без схемы \/ no scheme\)/);
    assert.ok(!msg.includes('hunter2'));
  });

  it('an empty value counts as unset', () => {
    assert.equal(readEnv({ PORT: '', TWIN_SIMULATOR: ' ' }).port, 1880);
  });
});
