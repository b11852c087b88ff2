import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepLockLeftovers, withFileLock } from '../../src/node/fileLock';
import { isOwnerAlive, processOwner, processStartMs } from '../../src/node/processOwner';

const LOCK_MODULE = join(__dirname, '..', '..', 'src', 'node', 'fileLock.js');

/** A separate process that takes the lock and holds it until it is killed; resolves once it holds it. */
function holderProcess(lock: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const script = `require(${JSON.stringify(LOCK_MODULE)}).withFileLock(${JSON.stringify(lock)}, () => { process.stdout.write('held\\n'); return new Promise(() => setInterval(() => {}, 1000)); })`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('held'))
        resolve({
          pid: child.pid!,
          kill: () =>
            new Promise<void>((r) => {
              child.once('exit', () => r());
              child.kill('SIGKILL');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

describe('the cross-process file lock', function () {
  this.timeout(20_000);
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'costwise-lock-'));
    lock = join(dir, '.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says who holds it, and a waiter times out on a live holder rather than taking it', async () => {
    const holder = await holderProcess(lock);
    try {
      assert.match(readFileSync(join(lock, 'owner'), 'utf8'), new RegExp(`^${hostname()}:${holder.pid}:\\d+ [0-9a-f-]{36}$`));
      await assert.rejects(withFileLock(lock, async () => 'taken', { timeoutMs: 400 }), new RegExp(`Timed out waiting for the ledger lock .* \\(held by ${hostname()}:${holder.pid}:`));
    } finally {
      await holder.kill();
    }
  });

  it('a holder killed with SIGKILL is taken over at once, not after the stale timeout', async () => {
    const holder = await holderProcess(lock);
    await holder.kill();
    assert.ok(existsSync(join(lock, 'owner')), 'the dead holder left its lock behind');
    // Staleness would take ten minutes; the 3 s timeout can only be met by seeing the holder is dead.
    const owner = await withFileLock(lock, async () => readFileSync(join(lock, 'owner'), 'utf8'), { staleMs: 600_000, timeoutMs: 3_000, owner: 'me:1:1' });
    assert.match(owner, /^me:1:1 /);
    assert.equal(existsSync(lock), false, 'released afterwards');
  });

  it('of 30 waiters that all see the same dead holder, exactly one holds the lock at a time', async () => {
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), `${hostname()}:999999999:1 dead-nonce`);
    let inside = 0;
    let most = 0;
    let runs = 0;
    const isAlive = (o: string) => !o.includes(':999999999:');
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        withFileLock(
          lock,
          async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setTimeout(r, Math.random() * 3));
            inside--;
            runs++;
          },
          { owner: `waiter:${i}:1`, isAlive, staleMs: 600_000, timeoutMs: 10_000 },
        ),
      ),
    );
    assert.equal(runs, 30);
    assert.equal(most, 1, 'never two holders at once');
    assert.deepEqual(readdirSync(dir), [], 'nothing left behind');
  });

  it('a lock on another host is taken over only once it is stale', async () => {
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), 'another-host:42:1 far-nonce');
    await assert.rejects(withFileLock(lock, async () => 1, { timeoutMs: 300, staleMs: 60_000 }), /held by another-host:42:1/);
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    assert.equal(await withFileLock(lock, async () => 2, { timeoutMs: 2_000, staleMs: 60_000 }), 2);
  });

  it('an ownerless lock (an older Costwise) is removed once stale; leftovers of killed processes are swept', async () => {
    mkdirSync(lock);
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    assert.equal(await withFileLock(lock, async () => 3, { timeoutMs: 2_000, staleMs: 60_000 }), 3);
    for (const name of ['.lock.a.tmp', '.lock.b.released', '.lock.c.tmp']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'owner'), 'x');
    }
    const older = new Date(Date.now() - 600_000);
    utimesSync(join(dir, '.lock.a.tmp'), older, older);
    utimesSync(join(dir, '.lock.b.released'), older, older);
    assert.equal(await sweepLockLeftovers(lock), 2);
    assert.deepEqual(readdirSync(dir), ['.lock.c.tmp'], 'a recent private copy may belong to a live waiter: kept');
  });
  it('a reused pid is not the process that wrote the owner: its start time differs', () => {
    const me = processOwner();
    assert.equal(isOwnerAlive(me), true);
    const [host, pid, start] = me.split(':');
    assert.ok(Math.abs(processStartMs(process.pid)! - Number(start)) < 5_000, 'the start time read from /proc matches');
    assert.equal(isOwnerAlive(`${host}:${pid}:${Number(start) - 3_600_000}`), false, 'same pid, started an hour earlier: a reused pid');
    assert.equal(isOwnerAlive(`${host}:${pid}:unknown`), true, 'no start recorded: the pid is all there is to go by');
    assert.equal(isOwnerAlive(`${host}:999999999:1`), false, 'no such process');
    assert.equal(isOwnerAlive(`another-host:${pid}:1`), true, "another host's process cannot be checked");
  });
});
