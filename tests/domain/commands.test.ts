// Command lines in comments: where they count (line start, outside quotes and code) and how they parse.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findCommand, permits } from "../../src/domain/commands.ts";

test("commands are found at line start only, outside quotes and code", () => {
  const cases: Array<[string, string | null]> = [
    ["/merge-window status", "status"],
    ["Thanks!\n/merge-window rebase\n", "rebase"],
    ["/merge-window   create-stable  ", "create-stable"],
    ["/merge-window version 7.0", "version"],
    ["please run /merge-window rebase", null],
    ["> /merge-window rebase", null],
    ["```\n/merge-window rebase\n```", null],
    ["~~~sh\n/merge-window rebase\n~~~\n", null],
    ["    /merge-window rebase", null],
    ["`/merge-window rebase`", null],
    ["/merge-windowrebase", null],
    ["```\ncode\n```\n/merge-window tag", "tag"],
    ["\r\n/merge-window help\r\n", "help"],
    ["<!--\n/merge-window rebase\n-->", null],
    ["<!-- hidden -->\n<!--\n/merge-window create-stable", null],
    ["<!-- x --> /merge-window rebase", null],
    ["<!-->\n/merge-window status", "status"],
    ["<!-- a -->\n/merge-window status", "status"],
  ];
  for (const [body, expected] of cases) {
    const found = findCommand(body);
    assert.equal(
      found && found.ok ? found.command.name : found === null ? null : "error",
      expected,
      JSON.stringify(body),
    );
  }
});

test("malformed commands say why", () => {
  const reasons: Array<[string, RegExp]> = [
    ["/merge-window", /no command/],
    ["/merge-window rebsae", /unknown command `rebsae`/],
    ["/merge-window rebase now", /takes no arguments/],
    ["/merge-window version", /takes one argument/],
    ["/merge-window version 6.2O", /not a version number/],
    ["/merge-window $(id)", /unknown command/],
    // A backtick in the command text cannot end the code span that quotes it back.
    ["/merge-window x`@torvalds`", /unknown command `` x`@torvalds` ``/],
  ];
  for (const [body, reason] of reasons) {
    const found = findCommand(body);
    assert.ok(found && !found.ok, body);
    assert.match(found.reason, reason, body);
  }
});

test("permission order, failing closed on unknown", () => {
  assert.equal(permits("admin", "maintain"), true);
  assert.equal(permits("maintain", "maintain"), true);
  assert.equal(permits("write", "maintain"), false);
  assert.equal(permits("triage", "write"), false);
  assert.equal(permits(null, "read"), false);
});
