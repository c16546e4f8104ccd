import assert from 'node:assert/strict';
import { writeRefusal, crossSiteRefusal } from '../../lib/runtime/write-guard';

const json = { 'content-type': 'application/json', host: 'twin.local:1880' };

describe('writes a hostile page cannot forge', () => {
  it('the dashboard\'s own writes and tools without browser headers pass', () => {
    assert.equal(writeRefusal({ ...json, 'sec-fetch-site': 'same-origin', origin: 'http://twin.local:1880' }), undefined);
    assert.equal(writeRefusal({ 'content-type': 'text/csv; charset=utf-8', host: 'twin.local:1880' }), undefined); // curl, 1C, BI
    // An older browser behind a proxy: the page's origin is the forwarded host.
    assert.equal(writeRefusal({ ...json, origin: 'https://plant.example', 'x-forwarded-host': 'plant.example' }), undefined);
  });

  it('a cross-site form or fetch is refused (403), a form\'s body type too (415)', () => {
    assert.equal(writeRefusal({ ...json, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })?.status, 403);
    assert.equal(writeRefusal({ ...json, 'sec-fetch-site': 'same-site', origin: 'https://other.twin.local' })?.status, 403);
    assert.equal(writeRefusal({ ...json, origin: 'https://evil.example' })?.status, 403);
    assert.equal(writeRefusal({ ...json, origin: 'null' })?.status, 403);
    // text/plain is what a cross-site <form enctype="text/plain"> sends without a preflight.
    const plain = writeRefusal({ 'content-type': 'text/plain', host: 'twin.local:1880' });
    assert.equal(plain?.status, 415);
    assert.match(plain!.error, /application\/json или text\/csv/);
    assert.equal(writeRefusal({ 'content-type': 'application/x-www-form-urlencoded', host: 'twin.local:1880' })?.status, 415);
    assert.equal(writeRefusal({ host: 'twin.local:1880' })?.status, 415);
  });

  it('a read or the dashboard socket: only the site marks decide, tools pass', () => {
    assert.equal(crossSiteRefusal({ host: 'twin.local:1880' }), undefined);
    assert.equal(crossSiteRefusal({ host: 'twin.local:1880', origin: 'http://twin.local:1880' }), undefined);
    assert.match(crossSiteRefusal({ host: 'twin.local:1880', origin: 'https://evil.example' }) ?? '', /evil\.example/);
    assert.ok(crossSiteRefusal({ host: 'twin.local:1880', 'sec-fetch-site': 'cross-site' }));
  });
});
