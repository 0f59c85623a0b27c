import { readFileSync } from 'node:fs';

/**
 * How a long-running command (`serve`, `peers`) knows it should stop: SIGINT, SIGTERM, SIGHUP
 * (its terminal went away), or its parent gone. Started as `npx mmscert serve`, the process tree
 * is npm exec -> sh -c mmscert -> node: when npm is killed, the shell in between may live on,
 * so the parent AND, when the parent is a shell, the process above it are watched. A watched
 * process that exits, or our own parent changing (we were re-parented), stops the command:
 * killing the `npx` never leaves a server holding its ports.
 */

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'busybox']);
export const PARENT_POLL_MS = 500;

/** `/proc/PID/stat` -> [command name, parent pid], undefined where there is no /proc. */
function procInfo(pid: number): { comm: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { comm, ppid };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The processes whose end ends us: the parent, and the one above it when the parent is a shell. */
export function watchedAncestors(): number[] {
  const parent = process.ppid;
  const out = [parent];
  const info = procInfo(parent);
  if (info && SHELLS.has(info.comm) && info.ppid > 1) out.push(info.ppid);
  return out.filter((p) => p > 1);
}

/** Resolves with the reason once the command should stop (`watchParent: false`: signals only). */
export function untilStopped(opts: { watchParent?: boolean } = {}): Promise<string> {
  const watchParent = opts.watchParent ?? true;
  return new Promise((resolve) => {
    const firstParent = process.ppid;
    const watched = watchParent ? watchedAncestors() : [];
    const done = (why: string) => {
      clearInterval(timer);
      for (const s of SIGNALS) process.removeListener(s, handlers[s]);
      resolve(why);
    };
    const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const handlers = Object.fromEntries(SIGNALS.map((s) => [s, () => done(s)])) as Record<
      (typeof SIGNALS)[number],
      () => void
    >;
    for (const s of SIGNALS) process.once(s, handlers[s]);
    const timer = setInterval(() => {
      if (watchParent && process.ppid !== firstParent) return done(`parent process ${firstParent} exited`);
      const gone = watched.find((p) => !alive(p));
      if (gone !== undefined) done(`parent process ${gone} exited`);
    }, PARENT_POLL_MS);
    timer.unref();
  });
}
