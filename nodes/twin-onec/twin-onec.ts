import path from 'node:path';
import { NodeAPI, numberField, registerTwinNode } from '../red';
import { OnecNode } from '../config-types';
import { SoapOnec } from '../../lib/onec/soap-client';
import { FolderOnec, FileEncoding } from '../../lib/onec/folder';
import { onecEnv } from '../../lib/onec/demo';
import { WSDL_PATH } from '../../lib/onec/contract';
import { readEnv } from '../../lib/runtime/env';

interface OnecConfig {
  name: string;
  mode: 'soap' | 'files';
  url: string;
  timeoutS: string;
  folder: string;
  encoding: string;
}

/**
 * The 1C endpoint: the web service (WSDL from the repository, the endpoint URL, Basic auth from
 * the node's credentials or TWIN_ONEC_*; never from flows.json) or a folder for file exchange.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<OnecNode, OnecConfig>(RED, 'twin-onec', (node, config) => {
    const timeoutS = numberField(config.timeoutS, 30);
    if (!(timeoutS > 0 && timeoutS <= 600)) throw new Error('таймаут — от 1 до 600 с / timeout must be 1-600 s');
    const encoding = (config.encoding || 'utf-8') as FileEncoding;
    if (encoding !== 'utf-8' && encoding !== 'windows-1251') throw new Error('кодировка файлов: utf-8 или windows-1251 / encoding must be utf-8 or windows-1251');
    node.transport = () => {
      if (config.mode === 'files') {
        const dir = path.resolve(readEnv().dataDir, config.folder || 'onec');
        return { transport: new FolderOnec({ dir, encoding }), label: `папка ${dir}` };
      }
      const env = onecEnv();
      const url = (config.url || '').trim() || env.url;
      if (!url) return { problem: 'не задан адрес веб-сервиса 1С (поле URL или TWIN_ONEC_URL) / no 1C endpoint URL' };
      if (!/^https?:\/\//.test(url)) return { problem: `адрес 1С «${url.slice(0, 60)}» должен начинаться с http:// или https:// / the URL must be http(s)` };
      const user = node.credentials?.user || env.user;
      const password = node.credentials?.password || env.password;
      if (!user) return { problem: 'не задан пользователь 1С (в узле twin-onec или TWIN_ONEC_USER) / no 1C user' };
      const safe = url.replace(/\/\/[^@/]*@/, '//');
      return { transport: new SoapOnec({ url, user, password: password ?? '', timeoutMs: timeoutS * 1000, wsdlPath: WSDL_PATH }), label: safe };
    };
  }, { credentials: { user: { type: 'text' }, password: { type: 'password' } } });
