/**
 * Where the 1C endpoint comes from when the flows leave it to the environment, and the fake 1C of
 * the embedded demo: started on a free loopback port with a generated password, so block 4 shows
 * stock, supplies and the exchange out of the box.
 */
import crypto from 'node:crypto';
import { FakeOnec, demoData } from './fake-1c';

export interface OnecEnv {
  url?: string;
  user?: string;
  password?: string;
}

/** TWIN_ONEC_URL, TWIN_ONEC_USER, TWIN_ONEC_PASSWORD: used where the twin-onec node leaves them empty. */
export function onecEnv(env: NodeJS.ProcessEnv = process.env): OnecEnv {
  return { url: env.TWIN_ONEC_URL || undefined, user: env.TWIN_ONEC_USER || undefined, password: env.TWIN_ONEC_PASSWORD || undefined };
}

/** Starts the demo 1C and points TWIN_ONEC_* at it; does nothing when a 1C is configured in the environment. */
export async function startDemoOnec(tz: string, env: NodeJS.ProcessEnv = process.env): Promise<FakeOnec | undefined> {
  if (env.TWIN_ONEC_URL) return undefined;
  const password = crypto.randomBytes(12).toString('base64url');
  const fake = new FakeOnec({ user: 'ОбменДвойник', password, tz, data: demoData(Date.now(), tz) });
  env.TWIN_ONEC_URL = await fake.start();
  env.TWIN_ONEC_USER = 'ОбменДвойник';
  env.TWIN_ONEC_PASSWORD = password;
  return fake;
}
