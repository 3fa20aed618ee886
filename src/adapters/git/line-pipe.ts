// A long-running git process fed one request line at a time (`hash-object --stdin-paths`, `cat-file --batch-check`).
import { spawn } from "node:child_process";
import { buildGitEnv, subcommandOf } from "./git-env.ts";
import { reportGit } from "./observer.ts";

/** A long-running git fed one line at a time; see GitRunner.openLinePipe. */
export interface GitLinePipe {
  /** Sends `line` (no newline in it) and resolves with git's one-line answer; rejects if git dies or times out. */
  request(line: string): Promise<string>;
  /** Ends stdin and waits for git to exit; rejects if it exited non-zero. */
  close(): Promise<void>;
}

/** One git process answering a line per line on stdin; every request must be answered within `timeoutMs`. */
export function spawnLinePipe(
  dir: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> | undefined,
  timeoutMs: number,
): GitLinePipe {
  const command = subcommandOf(args);
  const started = performance.now();
  const child = spawn("git", args, { cwd: dir, env: buildGitEnv(env), stdio: ["pipe", "pipe", "pipe"] });
  const pending: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  const err: Buffer[] = [];
  let buffered = "";
  let failure: Error | null = null;
  let timer: NodeJS.Timeout | null = null;
  const armTimer = () => {
    if (timer) clearTimeout(timer);
    timer = pending.length === 0 ? null : setTimeout(() => fail(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
  };
  const fail = (why: string) => {
    failure ??= new Error(`git ${command} in ${dir} failed: ${why}: ${Buffer.concat(err).toString("utf8")}`);
    for (const waiter of pending.splice(0)) waiter.reject(failure);
    armTimer();
    child.kill("SIGINT");
  };
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", (error) => {
      fail(error.message);
      resolve(null);
    });
    child.on("close", (code) => {
      if (pending.length > 0) fail(`exited ${code} with ${pending.length} requests unanswered`);
      reportGit(command, performance.now() - started, code === 0);
      resolve(code);
    });
  });
  child.stdin.on("error", () => undefined); // git exiting early closes the pipe; the exit code tells
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (text: string) => {
    buffered += text;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      pending.shift()?.resolve(line);
      newline = buffered.indexOf("\n");
    }
    armTimer();
  });
  return {
    request(line) {
      if (failure) return Promise.reject(failure);
      if (line.includes("\n")) return Promise.reject(new Error(`git ${command}: a request may not contain a newline`));
      return new Promise<string>((resolve, reject) => {
        pending.push({ resolve, reject });
        if (pending.length === 1) armTimer();
        child.stdin.write(`${line}\n`);
      });
    },
    async close() {
      child.stdin.end();
      const code = await exited;
      if (timer) clearTimeout(timer);
      if (failure) throw failure;
      if (code !== 0)
        throw new Error(`git ${command} in ${dir} exited ${code}: ${Buffer.concat(err).toString("utf8")}`);
    },
  };
}
