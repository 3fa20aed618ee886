// The demo's text for maintainers: comments whole and wrapped (a command never split or cut), the tracking issue as
// GitHub shows it (no hidden metadata, the Mermaid timeline told as dated lines).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDemoArgs } from "../../src/sandbox/demo.ts";
import { renderComment, renderIssueBody, wrapWords } from "../../src/sandbox/demo-render.ts";

const REMINDER =
  "`stable-6.8` has 1 fix(es) not yet sent (oldest from 2024-01-30). Tag and send them so they make v6.8-rc3: " +
  "`/merge-window tag`.\n\n<!-- merge-window:fixes:stable-6.8@abc -->";

test("a comment is wrapped, never cut: every word and the command it asks for are there, whole", () => {
  const lines = renderComment(REMINDER, 40);
  assert.ok(lines.length > 2, lines.join("\n"));
  assert.ok(
    lines.every((line) => line.length <= 40),
    lines.join("\n"),
  );
  assert.ok(!lines.some((line) => line.includes("…")));
  assert.equal(lines.join(" "), REMINDER.split("\n")[0]);
  assert.ok(lines.some((line) => line.endsWith("`/merge-window tag`.")));
  assert.ok(!lines.join("\n").includes("<!--"), "the hidden key is not shown");
});

test("a <details> block shows as its summary and its content, as GitHub draws it folded open", () => {
  assert.deepEqual(
    renderComment("Rebased.\n\n<details><summary>git range-diff</summary>\n\n```\n1: a = 1: b x\n```\n</details>"),
    ["Rebased.", "", "▸ git range-diff", "", "  1: a = 1: b x"],
  );
});

test("inline code stays whole even when longer than the line; code blocks are kept verbatim; emphasis goes", () => {
  assert.deepEqual(wrapWords("run `/merge-window version 7.0` now", 10), ["run", "`/merge-window version 7.0`", "now"]);
  const advice =
    "**Rebase advice** for `next`:\n\n```sh\ngit rebase --onto v6.8 v6.8-rc1 next   # a long line stays\n```";
  assert.deepEqual(renderComment(advice, 30), [
    "Rebase advice for `next`:",
    "",
    "  git rebase --onto v6.8 v6.8-rc1 next   # a long line stays",
  ]);
});

test("the tracking issue as GitHub shows it: no markers or metadata, headings, the timeline as dated lines", () => {
  const body = readFileSync(join(import.meta.dirname, "snapshots", "tracking-issue.md"), "utf8");
  const text = renderIssueBody(body).join("\n");
  assert.match(text, /^Upstream: development, -rc1/, "the hidden marker leaves no blank line at the top");
  for (const hidden of ["<!--", "merge-window:meta", "<sub>", "**", "```", "gantt", "dateFormat"])
    assert.ok(!text.includes(hidden), `${hidden} shown`);
  assert.match(text, /^Window for v6\.9\n─{15}$/m);
  assert.match(text, /^- ⏳ Decide whether to rebase next onto the release \(not yet\): from window day 1$/m);
  assert.match(
    text,
    /^\[chart\] v6\.9 merge window \(days in UTC\)\n {2}v6\.8 rcs\n {4}2024-01-21 {2}rc1 \(7 days\)$/m,
  );
  assert.match(text, /^ {4}2024-03-16 {2}Copy next to stable-6\.9 by$/m);
  assert.match(text, /^Maintained by merge-window for selinux; edits to this body are overwritten\./m);
});

test("demo arguments: --verbose asks for the webhooks and requests by route; off by default", () => {
  assert.deepEqual(parseDemoArgs([]), { variant: "rebase-at-window-open", keep: false, verbose: false });
  assert.deepEqual(parseDemoArgs(["--verbose", "--variant", "C"]), {
    variant: "dev-model",
    keep: false,
    verbose: true,
  });
});
