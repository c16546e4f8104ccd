/**
 * The login limiter on a clock the test sets: failures counted per address and per login from it,
 * a right password refunded, a burst of parallel guesses stopped at the limit, the bcrypt queue
 * bounded; and the Authenticator: a stale wrong password sent again is not a new guess.
 */
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { LoginLimiter, LoginRefused } from '../../lib/runtime/login-limiter';
import { Authenticator } from '../../lib/runtime/auth';
import { clientAddress } from '../../lib/runtime/http-auth';

const T0 = 1_800_000_000_000;
const MIN = 60_000;
const wrong = async () => false;
const right = async () => true;

/** The refusal's status and Retry-After, or 'ok' when the attempt ran. */
async function outcome(l: LoginLimiter, address: string, user: string, verify: () => Promise<boolean>, now: number): Promise<string> {
  try {
    return (await l.attempt(address, user, verify, now)) ? 'ok' : 'wrong';
  } catch (err) {
    if (err instanceof LoginRefused) return `${err.status} ${err.retryAfterS}`;
    throw err;
  }
}

describe('login limiter', () => {
  it('refuses a login from an address after 5 failures until the oldest leaves the 5-minute window', async () => {
    const l = new LoginLimiter({ perAddress: 10, perLogin: 5, windowMs: 5 * MIN });
    // failures at T0, T0+1 min, … T0+4 min: the fifth fills the per-login limit
    for (let i = 0; i < 5; i++) assert.equal(await outcome(l, '10.0.0.1', 'director', wrong, T0 + i * MIN), 'wrong');
    // at T0+4.5 min the first failure (T0) leaves the window at T0+5 min: 30 s to wait
    assert.equal(await outcome(l, '10.0.0.1', 'director', right, T0 + 4.5 * MIN), '429 30');
    // the same login from another address, and another login from this one, are not refused
    assert.equal(await outcome(l, '10.0.0.2', 'director', right, T0 + 4.5 * MIN), 'ok');
    assert.equal(await outcome(l, '10.0.0.1', 'operator', right, T0 + 4.5 * MIN), 'ok');
    // after T0+5 min only 4 failures are in the window
    assert.equal(await outcome(l, '10.0.0.1', 'director', right, T0 + 5 * MIN + 1), 'ok');
  });

  it('counts all logins of an address: 10 failures over two logins refuse a third', async () => {
    const l = new LoginLimiter({ perAddress: 10, perLogin: 5 });
    for (const user of ['admin', 'operator']) for (let i = 0; i < 5; i++) await outcome(l, '10.0.0.1', user, wrong, T0);
    assert.equal(await outcome(l, '10.0.0.1', 'director', right, T0), '429 300');
  });

  it('a right password is not counted: a user who logs in often is never refused', async () => {
    const l = new LoginLimiter({ perAddress: 10, perLogin: 5 });
    for (let i = 0; i < 50; i++) assert.equal(await outcome(l, '10.0.0.1', 'director', right, T0), 'ok');
    assert.equal(await outcome(l, '10.0.0.1', 'director', wrong, T0), 'wrong');
  });

  it('40 guesses in parallel: 5 are checked, 35 refused at once; two compares at a time', async () => {
    const l = new LoginLimiter({ perAddress: 10, perLogin: 5, concurrent: 2, queue: 16 });
    let running = 0;
    let peak = 0;
    const slow = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return false;
    };
    const all = await Promise.all(Array.from({ length: 40 }, () => outcome(l, '10.0.0.1', 'admin', slow, T0)));
    assert.equal(all.filter((o) => o === 'wrong').length, 5);
    assert.equal(all.filter((o) => o === '429 300').length, 35);
    assert.equal(peak, 2);
  });

  it('a full queue answers 503 and the refusal is not counted against the address', async () => {
    // 1 compare runs, 1 waits; the third finds the queue full
    const l = new LoginLimiter({ perAddress: 3, perLogin: 3, concurrent: 1, queue: 1 });
    let release!: () => void;
    const held = () => new Promise<boolean>((r) => (release = () => r(false)));
    const first = outcome(l, '10.0.0.1', 'admin', held, T0);
    const second = outcome(l, '10.0.0.2', 'admin', wrong, T0);
    assert.equal(await outcome(l, '10.0.0.3', 'admin', wrong, T0), '503 1');
    release();
    assert.deepEqual([await first, await second], ['wrong', 'wrong']);
    // 10.0.0.3 was refused for load only: 3 guesses of its own still get checked
    for (let i = 0; i < 3; i++) assert.equal(await outcome(l, '10.0.0.3', 'admin', wrong, T0), 'wrong');
    assert.equal(await outcome(l, '10.0.0.3', 'admin', wrong, T0), '429 300');
  });

  it('a clean login (no failure from its address) goes before guessers and takes the last guesser\'s place in a full queue', async () => {
    const l = new LoginLimiter({ perAddress: 10, perLogin: 5, concurrent: 1, queue: 2 });
    const order: string[] = [];
    let release!: () => void;
    const held = () => new Promise<boolean>((r) => (release = () => r(false)));
    const note = (name: string, ok: boolean) => async () => (order.push(name), ok);
    // the guesser's first attempt runs and holds the slot; its next two fill the queue (they are not clean)
    const running = outcome(l, '10.0.0.1', 'admin', held, T0);
    const g2 = outcome(l, '10.0.0.1', 'admin', note('guess 2', false), T0);
    const g3 = outcome(l, '10.0.0.1', 'admin', note('guess 3', false), T0);
    // the director from elsewhere: guess 3 is refused for load, the director runs next
    const director = outcome(l, '10.0.0.2', 'director', note('director', true), T0);
    assert.equal(await g3, '503 1');
    release();
    assert.deepEqual(await Promise.all([running, g2, director]), ['wrong', 'wrong', 'ok']);
    assert.deepEqual(order, ['director', 'guess 2']);
  });

  it('forgets the oldest address past maxKeys (memory stays bounded under a flood of addresses)', async () => {
    const l = new LoginLimiter({ perAddress: 1, perLogin: 1, maxKeys: 4 });
    // each failure adds 2 keys (address, login from it): the third address pushes out the first's
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) await outcome(l, a, 'admin', wrong, T0);
    assert.equal(await outcome(l, '10.0.0.1', 'admin', right, T0), 'ok');
    assert.equal(await outcome(l, '10.0.0.3', 'admin', right, T0), '429 300');
  });
});

describe('Authenticator with the limiter', function () {
  this.timeout(20_000);
  const users = [{ username: 'director', role: 'viewer' as const, hash: bcrypt.hashSync('director-pass', 4) }];

  it('the same stale wrong password sent again is answered without counting; new guesses are refused at 5', async () => {
    const auth = new Authenticator(users);
    // a BI tool polling with an old password: one guess, however often it is sent
    for (let i = 0; i < 20; i++) assert.equal(await auth.check('director', 'old-pass', '10.0.0.1'), undefined);
    for (let i = 0; i < 4; i++) assert.equal(await auth.check('director', `guess-${i}`, '10.0.0.1'), undefined);
    await assert.rejects(auth.check('director', 'guess-5', '10.0.0.1'), (err: LoginRefused) => err.status === 429);
    // even the right password: a refused address learns nothing, not even from the remembered answers
    await assert.rejects(auth.check('director', 'director-pass', '10.0.0.1'), LoginRefused);
    // the director elsewhere is served
    assert.equal(await auth.check('director', 'director-pass', '10.0.0.2'), 'viewer');
  });
});

describe('clientAddress', () => {
  const of = (remoteAddress: string) => clientAddress({ socket: { remoteAddress } } as never);

  it('counts an IPv4 client by its address (also as IPv4-mapped IPv6) and an IPv6 client by its /64', () => {
    assert.equal(of('10.0.0.7'), '10.0.0.7');
    assert.equal(of('::ffff:10.0.0.7'), '10.0.0.7');
    // one host may rotate through its /64: the first four groups
    assert.equal(of('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(of('2001:db8:1:2::9'), '2001:db8:1:2::/64');
    // «::» stands for the missing zero groups: 2001:db8:0:0:0:0:0:1
    assert.equal(of('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(of('::1'), '0:0:0:0::/64');
  });
});
