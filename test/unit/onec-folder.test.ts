/**
 * The 1C folder exchange against what a local user or a broken export can put in its inbox: a
 * symlink to another file, a file too large, an XML with a DTD (entity expansion), an unclosed XML
 * that the regex parser went quadratic on. Each is rejected with its reason, never read or expanded.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderOnec } from '../../lib/onec/folder';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'twin-onec-folder-'));
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

function inbox(dir: string, name: string, content: string | Buffer): string {
  fs.mkdirSync(path.join(dir, 'in'), { recursive: true });
  const full = path.join(dir, 'in', name);
  fs.writeFileSync(full, content);
  return full;
}

const rejection = (dir: string, name: string) => fs.readFileSync(path.join(dir, 'in', 'rejected', `${name}.error.txt`), 'utf8');

describe('1C folder import: hostile files', () => {
  it('refuses a symlink without reading its target, and moves the link aside', async () => {
    const dir = tmp();
    const secret = path.join(tmp(), 'secret.csv');
    fs.writeFileSync(secret, 'Код;Количество\r\nSECRET;1\r\n');
    fs.mkdirSync(path.join(dir, 'in'));
    fs.symlinkSync(secret, path.join(dir, 'in', 'stock_link.csv'));
    await assert.rejects(new FolderOnec({ dir, encoding: 'utf-8' }).getStock(), /stock_link.csv не принят.*символическая ссылка/);
    assert.match(rejection(dir, 'stock_link.csv'), /символическая ссылка/);
    assert.ok(fs.lstatSync(path.join(dir, 'in', 'rejected', 'stock_link.csv')).isSymbolicLink(), 'the link moved, not a copy of its target');
    assert.equal(fs.readFileSync(secret, 'utf8'), 'Код;Количество\r\nSECRET;1\r\n');
  });

  it('refuses a file above the size cap unread', async () => {
    const dir = tmp();
    // a header line (17 bytes in UTF-8) and filler to 1001 bytes, against a cap of 1000
    const head = Buffer.from('Код;Цена\r\n');
    inbox(dir, 'prices.csv', Buffer.concat([head, Buffer.alloc(1001 - head.length, 'x')]));
    await assert.rejects(new FolderOnec({ dir, encoding: 'utf-8', maxFileBytes: 1000 }).getPrices(), /файл 1001 байт, больше предела 1000/);
  });

  it('refuses an XML with a DTD: no entity is expanded (billion laughs)', async () => {
    const dir = tmp();
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    inbox(dir, 'stock.xml', `${XML_HEAD}<!DOCTYPE r [<!ENTITY l0 "lol">${lol}]><Stock><Row><Code>&l9;</Code><Quantity>1</Quantity></Row></Stock>`);
    await assert.rejects(new FolderOnec({ dir, encoding: 'utf-8' }).getStock(), /DTD/);
  });

  it('refuses an external entity (a local file) as a DTD too', async () => {
    const dir = tmp();
    inbox(dir, 'stock.xml', `${XML_HEAD}<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Stock><Row><Code>&x;</Code><Quantity>1</Quantity></Row></Stock>`);
    await assert.rejects(new FolderOnec({ dir, encoding: 'utf-8' }).getStock(), /DTD/);
  });

  it('rejects an unclosed XML of 20 000 open rows with the parser\'s reason (the regex parser scanned it quadratically)', async () => {
    const dir = tmp();
    inbox(dir, 'stock.xml', `${XML_HEAD}<Stock>${'<Row><Code>1</Code><Quantity>1'.repeat(20_000)}`);
    await assert.rejects(new FolderOnec({ dir, encoding: 'utf-8' }).getStock(), /XML не разобран/);
  });

  it('reads rows with prefixes, xsi:nil, CDATA and escaped characters', async () => {
    const dir = tmp();
    inbox(
      dir,
      'prices.xml',
      `${XML_HEAD}<m:Prices xmlns:m="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><m:Row><m:Code>A&amp;B</m:Code><m:Name><![CDATA[Масло <M>]]></m:Name><m:Price>1 250,5</m:Price><m:Unit xsi:nil="true"/></m:Row></m:Prices>`,
    );
    // «1 250,5» is 1250.5 (1C's thousands space and decimal comma); a nil unit is ''
    assert.deepEqual(await new FolderOnec({ dir, encoding: 'utf-8' }).getPrices(), [{ code: 'A&B', name: 'Масло <M>', price: 1250.5, unit_name: '' }]);
  });

  it('writes what 1C reads with the exchange folder\'s own mode, whatever the process umask', async () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o750);
    const old = process.umask(0o077);
    try {
      await new FolderOnec({ dir, encoding: 'utf-8' }).postRunHours([{ id: 'gpu1-2026-11-25', unit: 'gpu1', day: '2026-11-25', run_h: 1, hours: 1 }]);
    } finally {
      process.umask(old);
    }
    const out = path.join(dir, 'out');
    // folder 0750 → its subfolders 0750, files 0640 (no execute bits)
    assert.equal(fs.statSync(out).mode & 0o777, 0o750);
    assert.equal(fs.statSync(path.join(out, fs.readdirSync(out)[0])).mode & 0o777, 0o640);
  });
});
