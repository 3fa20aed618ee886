// Name templates: real tag names and messages round-trip, hostile names are refused with a reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEFAULT_TEMPLATES,
  nextFreeTagName,
  parseWithTemplate,
  refNameProblems,
  renderTemplate,
  validateTagName,
} from "../../src/domain/names.ts";

const EMAILS = join(import.meta.dirname, "../data/git-pull-emails");

/** Tag names (`tags/NAME`) and tag messages (the block after the first dashed line) of every real mail. */
function readEmails(): { names: string[]; messages: string[] } {
  const names: string[] = [];
  const messages: string[] = [];
  for (const file of readdirSync(EMAILS).filter((f) => f.endsWith(".txt"))) {
    const text = readFileSync(join(EMAILS, file), "utf8");
    for (const match of text.matchAll(/^\s*(?:\S+\s+)?tags\/([A-Za-z0-9._-]+)\s*$/gm)) names.push(match[1]!);
    const lines = text.split("\n");
    const dashes = lines.findIndex((line) => /^-{64}$/.test(line));
    if (dashes >= 0 && lines[dashes + 1]?.trim()) messages.push(lines[dashes + 1]!);
  }
  return { names: [...new Set(names)], messages };
}

const NAME_TEMPLATES = [DEFAULT_TEMPLATES.tag, "{subsystem}-{version}-rc{rc}"];
const MESSAGE_TEMPLATES = [
  DEFAULT_TEMPLATES.tagMessage,
  "Landlock fix for v{version}-rc{rc}",
  "Landlock updates for v{version}-rc{rc}",
];

test("every tag name and tag message in the real [GIT PULL] mails parses and re-renders identically", () => {
  const { names, messages } = readEmails();
  assert.ok(names.length >= 5 && messages.length >= 5, `found ${names.length} names, ${messages.length} messages`);
  for (const [texts, templates] of [
    [names, NAME_TEMPLATES],
    [messages, MESSAGE_TEMPLATES],
  ] as const) {
    for (const text of texts) {
      const matches = templates.flatMap((template) => {
        const parsed = parseWithTemplate(template, text);
        return parsed ? [renderTemplate(template, parsed.fields)] : [];
      });
      assert.deepEqual(matches, [text], `${text} should parse with exactly one template and re-render`);
    }
  }
  assert.deepEqual(parseWithTemplate(DEFAULT_TEMPLATES.tagMessage, "selinux/stable-6.9 PR 20240312")?.fields, {
    subsystem: "selinux",
    version: "6.9",
    date: "20240312",
  });
});

test("branch templates round-trip", () => {
  for (const name of ["stable-6.9", "stable-6.10", "stable-7.0"]) {
    const parsed = parseWithTemplate(DEFAULT_TEMPLATES.stableBranch, name);
    assert.ok(parsed, name);
    assert.equal(renderTemplate(DEFAULT_TEMPLATES.stableBranch, parsed.fields), name);
  }
  assert.equal(parseWithTemplate(DEFAULT_TEMPLATES.stableBranch, "stable-6.09"), undefined);
});

const context = {
  template: DEFAULT_TEMPLATES.tag,
  subsystem: "selinux",
  now: new Date("2024-03-12T23:00:00Z"),
  timeZone: "UTC",
};

test("hostile and malformed tag names are refused, each with a code and a reason", () => {
  const hostile: Array<[string, string]> = [
    ["--upload-pack=x", "leading-dash"],
    ["-u", "leading-dash"],
    ["-", "leading-dash"],
    ["--exec=touch /tmp/pwned", "leading-dash"],
    ["$(id)", "bad-characters"],
    ["`id`", "bad-characters"],
    ["selinux-pr-20240312;rm -rf /", "bad-characters"],
    ["selinux-pr-20240312 ", "bad-characters"],
    ["selinux-pr-20240312\n", "bad-characters"],
    ["selinux-pr-\t20240312", "bad-characters"],
    ["a..b", "bad-ref-format"],
    ["selinux-pr-20240312..HEAD", "bad-ref-format"],
    ["HEAD", "reserved"],
    ["FETCH_HEAD", "reserved"],
    ["@", "bad-characters"],
    ["refs/heads/next", "reserved"],
    ["selinux-pr-2O240312", "bad-shape"], // letter O for zero
    ["selinux-pr-2024O312", "bad-shape"],
    ["selinux-pr-20240230", "impossible-date"],
    ["selinux-pr-20241301", "impossible-date"],
    ["selinux-pr-20230229", "impossible-date"],
    ["selinux-pr-20240313", "future-date"],
    ["audit-pr-20240312", "wrong-subsystem"],
    ["selinux-pr-2024031", "bad-shape"],
    ["selinux-pr-202403120", "bad-shape"],
    ["selinux-pr-20240312-1", "bad-shape"], // the first tag of a day has no suffix
    ["selinux-pr-20240312-01", "bad-shape"],
    ["selinux–pr–20240312", "bad-characters"], // en dashes
    ["selіnux-pr-20240312", "bad-characters"], // Cyrillic і
    ["ѕelinux-pr-20240312", "bad-characters"], // Cyrillic ѕ
    ["selinux-pr-２0240312", "bad-characters"], // fullwidth digit
    ["selinux-pr-20240312\u200b", "bad-characters"], // zero-width space
    ["selinux-pr-20240312.lock", "bad-ref-format"],
    [".selinux-pr-20240312", "bad-ref-format"],
    ["selinux-pr-20240312/", "bad-ref-format"],
    ["selinux//pr", "bad-ref-format"],
    ["selinux-pr-20240312.", "bad-ref-format"],
    ["selinux-pr-20240312@{0}", "bad-characters"],
    ["selinux-pr-20240312~1", "bad-characters"],
    ["selinux-pr-20240312^{}", "bad-characters"],
    ["selinux-pr-20240312:refs/heads/x", "bad-characters"],
    ["x".repeat(300), "too-long"],
    ["", "empty"],
    ["SELinux-pr-20240312", "bad-shape"],
  ];
  assert.ok(hostile.length >= 30);
  for (const [name, code] of hostile) {
    const problems = validateTagName(name, context);
    assert.ok(problems.length > 0, `${JSON.stringify(name)} must be refused`);
    assert.ok(
      problems.some((p) => p.code === code),
      `${JSON.stringify(name)}: expected ${code}, got ${problems.map((p) => p.code).join(", ")}`,
    );
    for (const problem of problems) assert.ok(problem.message.length > 10, problem.message);
  }
});

test("every problem names the tag and says why", () => {
  const [problem] = validateTagName("selinux-pr-20240230", context);
  assert.match(problem!.message, /selinux-pr-20240230/);
  assert.match(problem!.message, /not a real date/);
  assert.match(refNameProblems("$(id)")[0]!.message, /"\$" \(U\+0024\)/);
});

test("good names pass, including same-day suffixes and a date inside the tagger-date skew", () => {
  for (const name of ["selinux-pr-20240312", "selinux-pr-20240312-2", "selinux-pr-20240101", "selinux-pr-20240229"]) {
    assert.deepEqual(validateTagName(name, context), [], name);
  }
  const tagged = { ...context, taggerDate: new Date("2024-03-14T01:00:00Z"), now: new Date("2024-03-14T02:00:00Z") };
  assert.deepEqual(validateTagName("selinux-pr-20240313", tagged), []);
  assert.equal(validateTagName("selinux-pr-20240310", tagged)[0]?.code, "date-far-from-tagger");
});

test("the date is the tagging day in the configured zone", () => {
  const tokyo = { ...context, timeZone: "Asia/Tokyo" }; // 2024-03-12T23:00Z is already the 13th in Tokyo
  assert.deepEqual(validateTagName("selinux-pr-20240313", tokyo), []);
  assert.equal(validateTagName("selinux-pr-20240313", context)[0]?.code, "future-date");
});

test("same-day collisions get -2, -3, … and a name is never reused", () => {
  const fields = { subsystem: "selinux", date: "20240312" };
  assert.equal(nextFreeTagName(DEFAULT_TEMPLATES.tag, fields, []), "selinux-pr-20240312");
  assert.equal(nextFreeTagName(DEFAULT_TEMPLATES.tag, fields, ["selinux-pr-20240312"]), "selinux-pr-20240312-2");
  assert.equal(
    nextFreeTagName(DEFAULT_TEMPLATES.tag, fields, ["selinux-pr-20240312", "selinux-pr-20240312-2"]),
    "selinux-pr-20240312-3",
  );
  assert.equal(parseWithTemplate(DEFAULT_TEMPLATES.tag, "selinux-pr-20240312-3", { suffix: true })?.sequence, 3);
  assert.throws(
    () => nextFreeTagName(DEFAULT_TEMPLATES.tag, { subsystem: "selinux", date: "$(id)" }, []),
    /bad-characters|contains/,
  );
});
