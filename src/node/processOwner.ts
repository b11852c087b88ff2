import { hostname } from 'node:os';

/** This process as an owner of ledger reservations: `host:pid:startMs`. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${Math.round(Date.now() - process.uptime() * 1000)}`;
}

/**
 * Whether the process that wrote a reservation may still be running. Another host's process cannot
 * be checked, so it counts as alive (its reservation is only taken over once it is old enough).
 */
export function isOwnerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
