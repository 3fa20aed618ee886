// Where every git process's subcommand, duration and outcome go (the server's metrics), whichever runner ran it.
/** Receives every git process's subcommand, duration and outcome (the server's metrics); one per process. */
export type GitObserver = (command: string, ms: number, ok: boolean) => void;
let gitObserver: GitObserver | null = null;
export function observeGit(observer: GitObserver | null): void {
  gitObserver = observer;
}

/** Reports one finished git process to the observer, if any. */
export function reportGit(command: string, ms: number, ok: boolean): void {
  gitObserver?.(command, ms, ok);
}
