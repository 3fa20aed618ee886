// `npm run demo` end to end, as a person runs it (`node --import tsx src/cli/main.ts demo`): the narrated cycle, the
// [GIT PULL] mail, the app's requests by route, exit status 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseDemoArgs } from "../../src/sandbox/demo.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("demo arguments: a variant by letter or name, --keep; anything else is a usage error", () => {
  assert.deepEqual(parseDemoArgs([]), { variant: "rebase-at-window-open", keep: false });
  assert.deepEqual(parseDemoArgs(["--variant", "b"]), { variant: "rebase-at-rc1", keep: false });
  assert.deepEqual(parseDemoArgs(["--variant=dev-model", "--keep"]), { variant: "dev-model", keep: true });
  const badVariant = parseDemoArgs(["--variant", "D"]);
  assert.equal(typeof badVariant, "string");
  assert.match(badVariant as string, /--variant "D": expected A, B or C\nusage: merge-window demo/);
  const badFlag = parseDemoArgs(["--fast"]);
  assert.equal(typeof badFlag, "string");
  assert.match(badFlag as string, /unknown argument "--fast"/);
});

test("merge-window demo narrates a cycle, prints the [GIT PULL] mail and the requests by route, exits 0", async () => {
  const { status, stdout, stderr } = await new Promise<{ status: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "src/cli/main.ts", "demo"],
        { cwd: ROOT, maxBuffer: 16 << 20 },
        (error, out, err) => {
          resolve({ status: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err });
        },
      );
    },
  );
  assert.equal(stderr, "");
  assert.equal(status, 0);
  const lines = stdout.split("\n");
  const stepLines = lines.filter((line) => /^2024-\d\d-\d\d \d\d:\d\d {2}\S/.test(line));
  assert.deepEqual(
    stepLines
      .filter((line) => / linus +tags /.test(line))
      .map((line) => line.slice(0, 16) + " " + /tags (v[\d.rc-]+)/.exec(line)![1]),
    [
      "2024-01-28 22:11 v6.8-rc2",
      "2024-02-04 22:11 v6.8-rc3",
      "2024-02-11 22:11 v6.8-rc4",
      "2024-02-18 22:11 v6.8-rc5",
      "2024-02-25 22:11 v6.8-rc6",
      "2024-03-03 22:11 v6.8-rc7",
      "2024-03-10 22:00 v6.8",
    ],
  );
  assert.ok(
    stepLines.every((line, i) => i === 0 || line.slice(0, 16) >= stepLines[i - 1]!.slice(0, 16)),
    "the timeline is in date order",
  );
  assert.match(
    stdout,
    /^ +checklist +⏳ decide rebase {2}⏳ rebase {2}⏳ stable {2}⏳ tag {2}⏳ \[GIT PULL\] {2}⏳ merged$/m,
  );
  assert.match(
    stdout,
    /^ +checklist +✅ decide rebase {2}✅ rebase {2}✅ stable {2}✅ tag {2}✅ \[GIT PULL\] {2}✅ merged$/m,
  );
  assert.match(stdout, /^ +app +💬 Rebase refused \(push-rejected\)/m);
  assert.match(stdout, /The tracking issue #1 "merge-window: v6\.9 \(selinux\)" is closed/);
  assert.match(stdout, /^ {4}Subject: \[GIT PULL\] selinux\/selinux-pr-20240311\n/m);
  assert.match(stdout, /^ {4}The following changes since commit [0-9a-f]{40}:\n {4}\n {6}Linux 6\.8 \(/m);
  assert.match(stdout, /^GitHub requests by the app for the whole cycle: \d+ REST calls and \d+ git requests/m);
  assert.match(stdout, /^ +\d+ {2}POST {3}\/repos\/\{owner\}\/\{repo\}\/check-runs$/m);
  assert.match(stdout, /^ +\d+ {2}POST {3}\/\{owner\}\/\{repo\}\.git\/git-receive-pack$/m);
});
