// Untrusted text rendered into Markdown stays inert: tables of hostile inputs and what each must become.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findCommand } from "../../src/domain/commands.ts";
import { redactSecrets, renderCode, renderCodeBlock, renderText, shortenName } from "../../src/domain/markdown.ts";
import { parseMeta } from "../../src/domain/tracking-issue.ts";

/** What CommonMark shows for an inline code span `span` (delimiters, then one padding space each side). */
function codeSpanContent(span: string): string {
  const open = /^`+/.exec(span)![0];
  assert.ok(span.endsWith(open) && !span.endsWith(`\`${open}`), `${span} closes with the run it opens with`);
  const inner = span.slice(open.length, -open.length);
  assert.ok(!new RegExp(`(?<!\`)${open}(?!\`)`).test(inner), `${span}: no run of ${open.length} inside ends it early`);
  return /^ .* $/.test(inner) && inner.trim() !== "" ? inner.slice(1, -1) : inner;
}

test("a code span shows the text exactly and no backtick run inside can end it", () => {
  const cases: Array<[string, string]> = [
    ["selinux-pr-20240312", "`selinux-pr-20240312`"],
    ["a`b", "``a`b``"],
    ["x`` @torvalds ``y", "```x`` @torvalds ``y```"],
    ["`@everyone`", "`` `@everyone` ``"],
    [" padded ", "`  padded  `"],
    ["two\nlines\n/merge-window rebase", "`two lines /merge-window rebase`"],
  ];
  for (const [text, span] of cases) {
    assert.equal(renderCode(text), span, JSON.stringify(text));
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    assert.ok(/^`+/.exec(span)![0].length > longest, `${span}: the fence is longer than every run inside`);
    assert.equal(codeSpanContent(span), text.replace(/\n/g, " "), `${span} shows ${JSON.stringify(text)}`);
  }
});

test("a code block cannot be closed by any line of its text, and is invisible to the command finder", () => {
  const mail = "Please pull\n```\n/merge-window rebase\n````\n~~~~\n@torvalds\n";
  const block = renderCodeBlock(mail, "text");
  assert.equal(block, `\`\`\`\`\`text\n${mail}\`\`\`\`\``);
  assert.equal(findCommand(`Mail:\n${block}\nafter`), null);
  assert.equal(renderCodeBlock("plain"), "```\nplain\n```");
});

test("prose: no HTML, no hidden markers, no mentions or references, no command at a line start", () => {
  const cases: Array<[string, string]> = [
    ["cc @torvalds @everyone @org/team", "cc @\u200dtorvalds @\u200deveryone @\u200dorg/team"],
    [
      "<b>x</b> & <!-- merge-window:meta v1 e30= -->",
      "&lt;b&gt;x&lt;/b&gt; &amp; &lt;!-- merge-window:meta v1 e30= --&gt;",
    ],
    ["fixes #12", "fixes #\u200d12"],
    ["line\n/merge-window rebase\n  /rebase", "line\n\u200d/merge-window rebase\n  \u200d/rebase"],
    ["> quoted", "&gt; quoted"],
    ["mail me at a@b.c or see a/b", "mail me at a@\u200db.c or see a/b"],
  ];
  for (const [text, rendered] of cases) assert.equal(renderText(text), rendered, JSON.stringify(text));
  assert.equal(findCommand(renderText("x\n/merge-window create-stable")), null);
  const meta = btoa(JSON.stringify({ schema: 1, cycle: "x", done: [], tests: [] }));
  const forged = `<!-- merge-window:meta v1 ${meta} -->`;
  assert.equal(parseMeta(renderText(forged)), null, "a tag message cannot plant the app's memory");
});

test("long names are shortened with a hash of the whole name: stable, distinct, never longer than the limit", () => {
  const base = `selinux-pr-20240312-${"x".repeat(250)}`;
  const a = shortenName(`${base}a`, 200);
  const b = shortenName(`${base}b`, 200);
  assert.equal(a.length, 200);
  assert.notEqual(a, b, "names that share a 200-character start stay apart");
  assert.equal(shortenName(`${base}a`, 200), a, "the same name always maps to the same short name");
  assert.match(a, /^selinux-pr-20240312-x+…[0-9a-f]{8}$/);
  assert.equal(shortenName("short", 200), "short");
  assert.equal(shortenName("😀".repeat(150), 200).length <= 200, true);
  assert.doesNotMatch(shortenName("😀".repeat(150), 200), /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/, "no half pair");
});

test("tokens are redacted wherever they appear", () => {
  const cases: Array<[string, string]> = [
    [
      "fatal: unable to access 'https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r.git/'",
      "fatal: unable to access 'https://***@github.com/o/r.git/'",
    ],
    ["token ghp_0123456789abcdefABCDEF0123456789abcd used", "token gh*_*** used"],
    ["pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "pat github_pat_***"],
    ["Authorization: token ghs_abc", "Authorization: token ***"],
    ["x-access-token:secret", "x-access-token:***"],
    ["ssh://git@github.com/o/r.git", "ssh://***@github.com/o/r.git"],
    ["nothing secret in selinux-pr-20240312 or 1a2b3c4d", "nothing secret in selinux-pr-20240312 or 1a2b3c4d"],
  ];
  for (const [text, redacted] of cases) assert.equal(redactSecrets(text), redacted, text);
  assert.equal(renderCode("https://x-access-token:t0k3n@github.com"), "`https://***@github.com`");
  assert.doesNotMatch(renderCodeBlock("ghs_16C7e42F292c6912E7710c838347Ae178B4a"), /ghs_16C7/);
  assert.doesNotMatch(renderText("ghs_16C7e42F292c6912E7710c838347Ae178B4a"), /ghs_16C7/);
});
