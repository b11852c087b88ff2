import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** This process as an owner of ledger reservations and locks: `host:pid:startMs`. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${Math.round(Date.now() - process.uptime() * 1000)}`;
}

/** Owners whose recorded start differs from their pid's start by more than this run a reused pid. */
const START_TOLERANCE_MS = 60_000;

/**
 * Whether the process that wrote a reservation or holds a lock may still be running. Another host's
 * process cannot be checked, so it counts as alive (its reservation is only taken over once it is old
 * enough). A pid that now belongs to a process started at another time (the pid was reused) is not it.
 */
export function isOwnerAlive(owner: string): boolean {
  const [host, pidText, startText] = owner.split(':');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const recorded = Number(startText);
  const actual = processStartMs(pid);
  return !(Number.isFinite(recorded) && recorded > 0 && actual !== undefined && Math.abs(actual - recorded) > START_TOLERANCE_MS);
}

let procClock: { bootMs: number; msPerTick: number } | null | undefined;

/** When a local process started (ms since epoch), from /proc; undefined where that cannot be read or trusted. */
export function processStartMs(pid: number): number | undefined {
  if (procClock === undefined) procClock = calibrate();
  if (!procClock) return undefined;
  const ticks = startTicks(pid);
  return ticks === undefined ? undefined : procClock.bootMs + ticks * procClock.msPerTick;
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks after boot (the command name may hold spaces). */
function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** Boot time and tick length (USER_HZ, 100 on Linux), checked against this process's own start. */
function calibrate(): { bootMs: number; msPerTick: number } | null {
  try {
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    const own = startTicks(process.pid);
    if (!Number.isFinite(btime) || own === undefined) return null;
    const clock = { bootMs: btime * 1000, msPerTick: 10 };
    const expected = Date.now() - process.uptime() * 1000;
    return Math.abs(clock.bootMs + own * clock.msPerTick - expected) < 5_000 ? clock : null;
  } catch {
    return null; // not Linux
  }
}
