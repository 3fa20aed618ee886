// `npm run demo` end to end, as a maintainer runs it (`node --import tsx src/cli/main.ts demo`): the narrated cycle
// with every comment whole, no webhook lines without --verbose, the final tracking issue as GitHub shows it, exit 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseDemoArgs } from "../../src/sandbox/demo.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("demo arguments: a variant by letter or name, --keep; anything else is a usage error", () => {
  assert.deepEqual(parseDemoArgs([]), { variant: "rebase-at-window-open", keep: false, verbose: false });
  assert.deepEqual(parseDemoArgs(["--variant", "b"]), { variant: "rebase-at-rc1", keep: false, verbose: false });
  assert.deepEqual(parseDemoArgs(["--variant=dev-model", "--keep"]), {
    variant: "dev-model",
    keep: true,
    verbose: false,
  });
  const badVariant = parseDemoArgs(["--variant", "D"]);
  assert.equal(typeof badVariant, "string");
  assert.match(badVariant as string, /--variant "D": expected A, B or C\nusage: merge-window demo/);
  const badFlag = parseDemoArgs(["--fast"]);
  assert.equal(typeof badFlag, "string");
  assert.match(badFlag as string, /unknown argument "--fast"/);
});

test("the demo narrates a cycle with whole comments, no webhooks, the final issue body, and exits 0", async () => {
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
  // Comments whole: nothing cut at `…`, the command the fixes reminder asks for is there.
  assert.deepEqual(
    lines.filter((line) => /…$/.test(line)),
    [],
  );
  assert.match(stdout, /Tag\s+and\s+send\s+them\s+so\s+they\s+make\s+v6\.8-rc3:\s+`\/merge-window tag`\.$/m);
  assert.match(stdout, /^ {35}Subject: \[GIT PULL\] selinux\/selinux-pr-20240311$/m, "the mail comment, in full");
  const prose = lines.filter((line) => /^ {18}app {9}💬 /.test(line) || /^ {33}\S/.test(line));
  assert.ok(prose.length > 20, "comments are told");
  assert.deepEqual(
    prose.filter((line) => [...line].length > 110),
    [],
    "comment prose wrapped at 110 columns",
  );
  // Webhooks and developer asides only with --verbose, never for the maintainer by default.
  assert.doesNotMatch(stdout, /^ +webhooks /m);
  assert.doesNotMatch(stdout, /drive down|JWT|forge refused|Probot|replay/i);
  // The final tracking issue as GitHub shows it: visible text only, the timeline told as dated lines.
  const final = stdout.slice(stdout.indexOf('The tracking issue #1 "merge-window: v6.9 (selinux)" is closed.'));
  assert.match(final, /^The tracking issue #1 .* is closed\. Its final text, as GitHub shows it:$/m);
  assert.match(final, /^ {4}Window for v6\.9$/m);
  assert.match(final, /^ {4}- ✅ Merged upstream \(done\)/m);
  assert.match(final, /^ {4}\[chart\] v6\.9 merge window/m);
  assert.doesNotMatch(final, /<!--|merge-window:meta|<sub>|\*\*/);
  assert.match(stdout, /^GitHub requests by the app for the whole cycle: \d+ API calls and \d+ git requests\./m);
});
