/**
 * Rights are the route's, not the path's: every REST route × every role × the path in other cases and
 * with a trailing slash (Express matches them all) is refused with 403 exactly when the role is below
 * the route's own. An operator writing the tariff as /API/v1/settings/prices was let through before.
 */
import assert from 'node:assert/strict';
import express from 'express';
import bcrypt from 'bcryptjs';
import { siteConfig, load, red, freshDataDirEach, FlowNode } from './fixture';
import { apiRoutes } from '../../lib/api/routes';
import { ApiError } from '../../lib/api/params';
import { SiteModel } from '../../lib/site';
import { Authenticator, Role, atLeast } from '../../lib/runtime/auth';
import { httpAuth } from '../../lib/runtime/http-auth';

const LOGINS: Record<Role, { username: string; password: string }> = {
  viewer: { username: 'director', password: 'director-pass' },
  operator: { username: 'operator', password: 'operator-pass' },
  admin: { username: 'admin', password: 'admin-pass' },
};

/** The path as Express also matches it: upper case, capitalised segments, a trailing slash. */
function variants(path: string): string[] {
  const capitalised = path.replace(/\/([a-z])/g, (_m, c: string) => `/${c.toUpperCase()}`);
  return [path, path.toUpperCase(), capitalised, `${path}/`];
}

describe('REST rights: every route × role × path variant', function () {
  this.timeout(60_000);
  freshDataDirEach('twin-roles');

  it('refuses exactly the roles below each route\'s own, whatever the path\'s case', async () => {
    const flow: FlowNode[] = [...siteConfig(), { id: 'db', type: 'twin-database', retentionDays: '36500' }, { id: 'api', type: 'twin-api', site: 'site', database: 'db' }];
    await load(flow);
    const users = (Object.keys(LOGINS) as Role[]).map((role) => ({ username: LOGINS[role].username, role, hash: bcrypt.hashSync(LOGINS[role].password, 4) }));
    const app = express().use(httpAuth(new Authenticator(users)), red.httpNode);
    const request = require('supertest')(app);
    const routes = apiRoutes({ site: new SiteModel('t1', 'Тест', 'Asia/Yekaterinburg', { tariff_rub_per_kwh: [], gas_rub_per_m3: [] }), db: () => Promise.reject(new ApiError(503, '')), now: () => 0 });
    // The admin's write is the settings route; reads are the director's, the journal, plan and services the operator's.
    assert.deepEqual(routes.filter((r) => r.role === 'admin').map((r) => `${r.method} ${r.path}`), [
      'post /api/v1/reasons',
      'post /api/v1/settings/prices',
      'get /api/v1/users',
      'post /api/v1/users',
      'post /api/v1/users/:login/disable',
      'post /api/v1/users/:login/enable',
      'post /api/v1/users/:login/reset',
      'get /api/v1/audit',
    ]);
    let checked = 0;
    for (const route of routes) {
      for (const path of variants(route.path.replace(':id', '1').replace(':unit', 'gpu1').replace(':login', 'ivanov'))) {
        for (const role of Object.keys(LOGINS) as Role[]) {
          const { username, password } = LOGINS[role];
          const res = await request[route.method](path).auth(username, password).set('content-type', 'application/json').send(route.method === 'post' ? '{}' : undefined);
          const refused = !atLeast(role, route.role);
          assert.equal(res.status === 403, refused, `${role} ${route.method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
          checked++;
        }
      }
    }
    // every route × 4 path variants × 3 roles
    assert.equal(checked, routes.length * 12);
  });

  it('refuses a cross-site write and a form\'s text/plain body on every write route', async () => {
    await load([...siteConfig(), { id: 'db', type: 'twin-database', retentionDays: '36500' }, { id: 'api', type: 'twin-api', site: 'site', database: 'db' }]);
    const request = require('supertest')(red.httpNode);
    const routes = apiRoutes({ site: new SiteModel('t1', 'Тест', 'Asia/Yekaterinburg', { tariff_rub_per_kwh: [], gas_rub_per_m3: [] }), db: () => Promise.reject(new ApiError(503, '')), now: () => 0 });
    const writes = routes.filter((r) => r.method === 'post');
    // Every write route of the API: a new one is added here on purpose, and so walked below.
    assert.deepEqual(writes.map((r) => r.path).sort(), [
      '/api/v1/alerts/:id/ack',
      '/api/v1/downtime/:id/reason',
      '/api/v1/maintenance/:unit/service',
      '/api/v1/me/password',
      '/api/v1/plan',
      '/api/v1/reasons',
      '/api/v1/settings/prices',
      '/api/v1/users',
      '/api/v1/users/:login/disable',
      '/api/v1/users/:login/enable',
      '/api/v1/users/:login/reset',
    ]);
    for (const route of writes) {
      const path = route.path.replace(':id', '1').replace(':unit', 'gpu1').replace(':login', 'ivanov');
      // What <form enctype="text/plain" action=".../api/v1/plan"> on another site sends with the cached login.
      await request.post(path).set('content-type', 'text/plain').send('gpu1;2026-12-01;1000').expect(415);
      await request.post(path).set('content-type', 'application/json').set('sec-fetch-site', 'cross-site').send('{}').expect(403);
      await request.post(path).set('content-type', 'application/json').set('origin', 'https://evil.example').send('{}').expect(403);
    }
  });
});
