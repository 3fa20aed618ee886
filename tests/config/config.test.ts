// Config parsing: the shipped examples, defaults, the generated JSON schema, and a table of bad files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import {
  DEFAULT_CONFIG_PATH,
  defaultConfig,
  formatConfigErrors,
  parseConfig,
  renderConfigJsonSchema,
  type ConfigError,
} from "../../src/config/load.ts";
import { InputError } from "../../src/domain/errors.ts";
import { renderName } from "../../src/domain/names.ts";
import { RC1_DECISION_VARIANTS } from "../../src/domain/process.ts";

const CONFIG_DIR = fileURLToPath(new URL("../../config/", import.meta.url));
const EXAMPLES = readdirSync(CONFIG_DIR)
  .filter((name) => name.endsWith(".yml"))
  .sort();

function errorsOf(yaml: string): ConfigError[] {
  const result = parseConfig(yaml, { file: "test.yml" });
  assert.equal(result.ok, false, `expected errors for:\n${yaml}`);
  return result.ok ? [] : result.errors;
}

test("the config/ directory ships the three documented examples", () => {
  assert.deepEqual(EXAMPLES, ["audit.yml", "dev-model.yml", "selinux.yml"]);
});

for (const name of EXAMPLES) {
  test(`example config/${name} parses and points editors at the schema`, () => {
    const text = readFileSync(join(CONFIG_DIR, name), "utf8");
    assert.match(text.split("\n")[0]!, /^# yaml-language-server: \$schema=\.\/merge-window\.schema\.json$/);
    const result = parseConfig(text, { file: `config/${name}` });
    assert.ok(result.ok, result.ok ? "" : formatConfigErrors(result.errors));
  });
}

test("each example configures the variant it is named for", () => {
  const variantOf = (name: string) => {
    const result = parseConfig(readFileSync(join(CONFIG_DIR, name), "utf8"));
    assert.ok(result.ok);
    return result.config;
  };
  assert.equal(variantOf("selinux.yml").variant, "rebase-at-window-open");
  const audit = variantOf("audit.yml");
  assert.equal(audit.variant, "rebase-at-rc1");
  assert.ok(audit.upstream.subsystemPaths.includes("include/uapi/linux/audit.h"));
  const dev = variantOf("dev-model.yml");
  assert.equal(dev.variant, "dev-model");
  assert.deepEqual([dev.branches.dev, dev.branches.devStaging], ["dev", "dev-staging"]);
});

test("the committed JSON schema is what scripts/generate-schema.ts generates now", () => {
  const committed = readFileSync(join(CONFIG_DIR, "merge-window.schema.json"), "utf8");
  assert.equal(committed, renderConfigJsonSchema(), "config/merge-window.schema.json is stale: run npm run schema");
});

test("the JSON schema is draft 2020-12, requires only subsystem, and describes every property", () => {
  const schema = JSON.parse(renderConfigJsonSchema()) as JsonSchema;
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.deepEqual(schema.required, ["subsystem"]);
  const undocumented: string[] = [];
  const visit = (node: JsonSchema, path: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (!child.description) undocumented.push(`${path}${key}`);
      visit(child, `${path}${key}.`);
      for (const branch of child.anyOf ?? []) visit(branch, `${path}${key}.`);
    }
  };
  visit(schema, "");
  assert.deepEqual(undocumented, []);
});

test("the JSON schema an editor sees has every key the parser reads, with the parser's defaults", () => {
  const schema = JSON.parse(renderConfigJsonSchema()) as JsonSchema;
  const config = defaultConfig("selinux");
  // Leaf paths on both sides: a section the parser fills (branches.next …) must be a section in the schema.
  const schemaLeaves = (node: JsonSchema, path: string): string[] =>
    Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
      child.properties ? schemaLeaves(child, `${path}${key}.`) : [`${path}${key}`],
    );
  const configLeaves = (value: object, path: string): string[] =>
    Object.entries(value).flatMap(([key, child]) =>
      child !== null && typeof child === "object" && !Array.isArray(child)
        ? configLeaves(child, `${path}${key}.`)
        : [`${path}${key}`],
    );
  assert.deepEqual(schemaLeaves(schema, "").sort(), configLeaves(config, "").sort());
  // Every default the editor offers, written out as a file, parses to exactly the built-in configuration
  // (zod does not validate a default it fills in: a default its own field refuses shows up here).
  const spelledOut = (node: JsonSchema): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(node.properties ?? {})
        .filter(([, child]) => child.properties || "default" in child)
        .map(([key, child]) => [key, child.properties ? spelledOut(child) : child.default]),
    );
  const file = stringify({ ...spelledOut(schema), subsystem: "selinux" });
  const parsed = parseConfig(file);
  assert.ok(parsed.ok, formatConfigErrors(parsed.ok ? [] : parsed.errors));
  assert.deepEqual(parsed.config, config);
});

function configJsonSchemaProperty(section: string, key: string): string {
  const schema = JSON.parse(renderConfigJsonSchema()) as JsonSchema;
  return schema.properties?.[section]?.properties?.[key]?.description ?? "";
}

interface JsonSchema {
  $schema?: string;
  required?: string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  default?: unknown;
}

test("defaults fill an almost-empty file", () => {
  const result = parseConfig("subsystem: audit\n");
  assert.ok(result.ok);
  const { config } = result;
  assert.deepEqual(config, defaultConfig("audit"));
  assert.equal(config.variant, "rebase-at-window-open");
  assert.equal(config.timeZone, "UTC");
  assert.equal(config.dryRun, false);
  assert.deepEqual(config.branches, {
    next: "next",
    stable: "stable-{version}",
    dev: "dev",
    devStaging: "dev-staging",
  });
  assert.equal(config.tags.name, "{subsystem}-pr-{date}");
  assert.equal(config.tags.message, "{subsystem}/stable-{version} PR {date}");
  assert.equal(config.cycle.lateThreshold, 6);
  assert.equal(config.lateDeferral.maxLines, 300);
  assert.deepEqual(config.pullRequest.to, ["Linus Torvalds <torvalds@linux-foundation.org>"]);
  assert.equal(config.pullRequest.url, null);
  assert.equal(config.automation.deleteInvalidTags, false);
  assert.deepEqual(config.permissions, { commands: "write", destructive: "maintain" });
});

test("a partly written section keeps the defaults of the keys it leaves out", () => {
  const result = parseConfig("subsystem: audit\ncycle:\n  lateThreshold: 5\n");
  assert.ok(result.ok);
  assert.equal(result.config.cycle.lateThreshold, 5);
  assert.equal(result.config.cycle.sendByDay, 7);
});

test("defaultConfig refuses a bad subsystem with an InputError naming it", () => {
  assert.throws(
    () => defaultConfig("SELinux"),
    (error: unknown) => error instanceof InputError && /"SELinux"/.test(error.message),
  );
});

test("{subsystem} in branch names is filled in by the parse: the rest of the app renders only {version}", () => {
  const result = parseConfig(
    'subsystem: audit\nvariant: dev-model\nbranches:\n  next: "{subsystem}-next"\n' +
      '  stable: "{subsystem}/stable-{version}"\n  dev: "{subsystem}/dev"\n',
  );
  assert.ok(result.ok, result.ok ? "" : formatConfigErrors(result.errors));
  assert.deepEqual(result.config.branches, {
    next: "audit-next",
    stable: "audit/stable-{version}",
    dev: "audit/dev",
    devStaging: "dev-staging",
  });
  assert.equal(renderName(result.config.branches.stable, { version: "6.9" }, "branch"), "audit/stable-6.9");
});

test("dev and devStaging are ignored outside dev-model, and must not clash inside it", () => {
  assert.ok(parseConfig("subsystem: audit\nbranches:\n  dev: next\n").ok);
  const [error, ...rest] = errorsOf("subsystem: audit\nvariant: dev-model\nbranches:\n  dev: next\n");
  assert.equal(rest.length, 0);
  assert.equal(error!.key, "branches.dev");
  assert.match(error!.message, /same name as branches\.next/);
});

test("rebaseDecisionByRc means one thing: the -rc deadline of every variant that decides the rebase after -rc1", () => {
  const late = "cycle:\n  rebaseDecisionByRc: 7\n  lateThreshold: 6\n";
  for (const variant of RC1_DECISION_VARIANTS) {
    const errors = errorsOf(`subsystem: audit\nvariant: ${variant}\n${late}`);
    assert.deepEqual(
      errors.map((error) => error.key),
      ["cycle.rebaseDecisionByRc"],
      variant,
    );
    assert.match(errors[0]!.message, /is rc7, after the late threshold \(rc6\)/);
  }
  // A variant that decides when the window opens ignores the field, as the schema says.
  assert.deepEqual(RC1_DECISION_VARIANTS, ["rebase-at-rc1", "dev-model", "stable-before-window"]);
  assert.ok(parseConfig(`subsystem: audit\nvariant: rebase-at-window-open\n${late}`).ok);
  const described = configJsonSchemaProperty("cycle", "rebaseDecisionByRc");
  for (const variant of RC1_DECISION_VARIANTS) assert.ok(described.includes(variant), described);
  assert.ok(!described.includes("rebase-at-window-open"), described);
});

/** [what, yaml, key, reason pattern, line (when the key is written)] */
const BAD_FILES: readonly [string, string, string, RegExp, number?][] = [
  [
    "unknown top-level key",
    "subsystem: audit\nbogus: 1\n",
    "bogus",
    /^unknown key; known keys here: subsystem, variant/,
    2,
  ],
  [
    "unknown nested key",
    "subsystem: audit\ncycle:\n  lateTreshold: 3\n",
    "cycle.lateTreshold",
    /unknown key; did you mean lateThreshold\?/,
    3,
  ],
  [
    "unknown key in an optional map",
    'subsystem: audit\npullRequest:\n  openUpstreamPr: { repo: "a/b", base: x }\n',
    "pullRequest.openUpstreamPr.base",
    /unknown key/,
    3,
  ],
  [
    "wrong type",
    "subsystem: audit\ncycle:\n  lateThreshold: six\n",
    "cycle.lateThreshold",
    /expected a number, got the text "six"/,
    3,
  ],
  [
    "not a whole number",
    "subsystem: audit\ncycle:\n  lateThreshold: 6.5\n",
    "cycle.lateThreshold",
    /whole number between 2 and 12/,
    3,
  ],
  [
    "bad enum",
    "subsystem: audit\nvariant: rebase-sometimes\n",
    "variant",
    new RegExp(
      /expected one of rebase-at-window-open, rebase-at-rc1, dev-model, stable-before-window; got the text /.source +
        /"rebase-sometimes"/.source,
    ),
    2,
  ],
  [
    "permission below write",
    "subsystem: audit\npermissions:\n  commands: read\n",
    "permissions.commands",
    /expected one of write, maintain, admin/,
    3,
  ],
  [
    "out-of-range number",
    "subsystem: audit\ncycle:\n  lateThreshold: 13\n",
    "cycle.lateThreshold",
    /between 2 and 12/,
    3,
  ],
  [
    "bad template field",
    'subsystem: audit\ntags:\n  name: "{subsystem}-pr-{when}"\n',
    "tags.name",
    /unknown field \{when\}/,
    3,
  ],
  [
    "subject with a name-only field",
    'subsystem: audit\npullRequest:\n  subject: "[GIT PULL] {branch}"\n',
    "pullRequest.subject",
    /unknown field \{branch\}/,
    3,
  ],
  ["unmatched brace", 'subsystem: audit\ntags:\n  message: "{subsystem PR {date}"\n', "tags.message", /unmatched/, 3],
  [
    "stable template without {version}",
    "subsystem: audit\nbranches:\n  stable: stable\n",
    "branches.stable",
    /must contain \{version\}/,
    3,
  ],
  [
    "tag name without date or version",
    'subsystem: audit\ntags:\n  name: "{subsystem}-pr"\n',
    "tags.name",
    /must contain \{date\} or \{version\}/,
    3,
  ],
  [
    "tag name that renders a range",
    'subsystem: audit\ntags:\n  name: "{subsystem}..{date}"\n',
    "tags.name",
    /"\.\."/,
    3,
  ],
  ["tag name starting with a dash", 'subsystem: audit\ntags:\n  name: "-{date}"\n', "tags.name", /starts with "-"/, 3],
  [
    "tag name fields run together",
    'subsystem: audit\ntags:\n  name: "{version}{rc}"\n',
    "tags.name",
    /cannot be read back/,
    3,
  ],
  [
    "hostile upstream URL",
    "subsystem: audit\nupstream:\n  url: --upload-pack=x\n",
    "upstream.url",
    /starts with "-" and would be read by git as an option/,
    3,
  ],
  [
    "ext:: transport",
    'subsystem: audit\nupstream:\n  url: "ext::sh -c touch% /tmp/pwned"\n',
    "upstream.url",
    /whitespace|must start with https:\/\//,
    3,
  ],
  [
    "URL with a line break",
    'subsystem: audit\npullRequest:\n  url: "https://example.org/x.git\\n--upload-pack=x"\n',
    "pullRequest.url",
    /whitespace or control characters/,
    3,
  ],
  [
    "file:// fetch URL in a mail",
    "subsystem: audit\npullRequest:\n  url: file:///srv/audit.git\n",
    "pullRequest.url",
    /must start with https:\/\/, git:\/\//,
    3,
  ],
  [
    "URL with credentials",
    "subsystem: audit\nupstream:\n  url: https://me:secret@example.org/linux.git\n",
    "upstream.url",
    /credentials/,
    3,
  ],
  ["bad time zone", "subsystem: audit\ntimeZone: Mars/Olympus_Mons\n", "timeZone", /not an IANA time zone/, 2],
  ["bad subsystem", "subsystem: SELinux\n", "subsystem", /lowercase/, 1],
  ["missing subsystem", "variant: dev-model\n", "subsystem", /^is required$/],
  ["empty file", "", "subsystem", /the file is empty/],
  ["comment-only file", "# nothing yet\n", "subsystem", /the file is empty/],
  [
    "list where a map is expected",
    "subsystem: audit\nbranches: [next, stable]\n",
    "branches",
    /expected a map of keys, got a list/,
    2,
  ],
  ["list at the top level", "- subsystem: audit\n", "", /expected a map of keys, got a list/, 1],
  [
    "unquoted template read as a map",
    "subsystem: audit\ntags:\n  name: {subsystem}\n",
    "tags.name",
    /got a map \(quote values that start with "\{"/,
    3,
  ],
  [
    "glob in a subsystem path",
    "subsystem: audit\nupstream:\n  subsystemPaths: [kernel/audit*]\n",
    "upstream.subsystemPaths[0]",
    /not a glob: write "kernel\/audit"/,
    3,
  ],
  [
    "parent path",
    "subsystem: audit\nupstream:\n  subsystemPaths:\n    - kernel/\n    - ../etc\n",
    "upstream.subsystemPaths[1]",
    /"\.\."/,
    5,
  ],
  [
    "absolute signers file",
    "subsystem: audit\nsigning:\n  allowedSignersFile: /etc/ssh/allowed\n",
    "signing.allowedSignersFile",
    /no leading "\/"/,
    3,
  ],
  [
    "short fingerprint",
    "subsystem: audit\nsigning:\n  allowedSigners: [ABCD1234]\n",
    "signing.allowedSigners[0]",
    /40-hex-digit/,
    3,
  ],
  [
    "header injection in a recipient",
    'subsystem: audit\npullRequest:\n  to: ["Linus <torvalds@example.org>\\nBcc: x@example.org"]\n',
    "pullRequest.to[0]",
    /line breaks/,
    3,
  ],
  ["no recipients", "subsystem: audit\npullRequest:\n  to: []\n", "pullRequest.to", /at least one recipient/, 3],
  [
    "bad upstream PR repo",
    'subsystem: audit\npullRequest:\n  openUpstreamPr: { repo: "torvalds" }\n',
    "pullRequest.openUpstreamPr.repo",
    /owner\/name/,
    3,
  ],
  [
    "workflow path instead of a file name",
    "subsystem: audit\ntests:\n  workflow: ../../evil.yml\n",
    "tests.workflow",
    /plain file name/,
    3,
  ],
  [
    "rebase after send",
    "subsystem: audit\ncycle:\n  rebaseByDay: 9\n  sendByDay: 7\n",
    "cycle.rebaseByDay",
    /after cycle\.sendByDay/,
    3,
  ],
  [
    "late rebase decision",
    "subsystem: audit\nvariant: rebase-at-rc1\ncycle:\n  rebaseDecisionByRc: 7\n",
    "cycle.rebaseDecisionByRc",
    /after the late threshold/,
    4,
  ],
  [
    "deleting tags with nobody allowed to sign",
    "subsystem: audit\nautomation:\n  deleteInvalidTags: true\n",
    "automation.deleteInvalidTags",
    /needs signing\.allowedSigners/,
    3,
  ],
  [
    "destructive weaker than commands",
    "subsystem: audit\npermissions:\n  commands: admin\n  destructive: write\n",
    "permissions.destructive",
    /weaker than permissions\.commands/,
    4,
  ],
  [
    "tag name equal to the stable branch",
    'subsystem: audit\ntags:\n  name: "stable-{version}"\n',
    "tags.name",
    /same name as branches\.stable/,
    3,
  ],
  [
    "deferral label equal to the tracking label",
    "subsystem: audit\nlateDeferral:\n  label: merge-window\n",
    "lateDeferral.label",
    /must differ from trackingIssue\.label/,
    3,
  ],
  [
    "tracking issue title without version",
    'subsystem: audit\ntrackingIssue:\n  titleTemplate: "{subsystem} window"\n',
    "trackingIssue.titleTemplate",
    /must contain \{version\}/,
    3,
  ],
];

for (const [what, yaml, key, reason, line] of BAD_FILES) {
  test(`bad config: ${what} → ${key || "(file)"}`, () => {
    const errors = errorsOf(yaml);
    const match = errors.find((error) => error.key === key);
    assert.ok(match, `no error for key ${JSON.stringify(key)}; got:\n${formatConfigErrors(errors)}`);
    assert.match(match.message, reason);
    assert.equal(match.file, "test.yml");
    if (line !== undefined) assert.equal(match.line, line);
  });
}

test("a YAML syntax error gives the file and the line", () => {
  const errors = errorsOf("subsystem: audit\ncycle:\n  lateThreshold: [6\nvariant: x\n");
  assert.equal(errors[0]!.key, "");
  assert.match(errors[0]!.message, /^YAML syntax error: /);
  assert.equal(errors[0]!.line, 4);
  assert.match(formatConfigErrors(errors).split("\n")[0]!, /^test\.yml:4: YAML syntax error: /);
});

test("an unquoted template gets a hint to quote it", () => {
  const errors = errorsOf("subsystem: audit\ntags:\n  name: {subsystem}-pr-{date}\n");
  assert.equal(errors[0]!.line, 3);
  assert.match(errors[0]!.message, /quote templates that start with "\{"/);
});

test("a duplicate key is a syntax error, not a silent override", () => {
  const errors = errorsOf("subsystem: audit\nsubsystem: selinux\n");
  assert.match(errors[0]!.message, /unique/);
  assert.equal(errors[0]!.line, 2);
});

test("a second YAML document is refused with its line", () => {
  const [error] = errorsOf("subsystem: audit\n---\nsubsystem: selinux\n");
  assert.match(error!.message, /more than one YAML document/);
  assert.equal(error!.line, 2);
});

test("hostile YAML is refused without throwing", () => {
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ...Array.from({ length: 8 }, (_, i) => {
      const [name, previous] = [String.fromCharCode(98 + i), String.fromCharCode(97 + i)];
      return `${name}: &${name} [${Array.from({ length: 12 }, () => `*${previous}`).join(", ")}]`;
    }),
    "subsystem: audit",
  ].join("\n");
  const inputs = [
    bomb,
    'subsystem: !!js/function "function () {}"\n',
    "\u0000\u0001\u0002",
    "subsystem: audit\n---\nsubsystem: selinux\n",
    `subsystem: audit\n# ${"x".repeat(70_000)}\n`,
    "42",
    "'just text'",
  ];
  for (const input of inputs) {
    const result = parseConfig(input, { file: "test.yml" });
    assert.equal(result.ok, false, JSON.stringify(input.slice(0, 40)));
    if (!result.ok)
      assert.ok(
        result.errors.length > 0 &&
          result.errors.every((error) => error.file === "test.yml" && error.message.length > 0),
      );
  }
});

test("errors come in file order, one per unknown key, and format one line each", () => {
  const errors = errorsOf("subsystem: audit\ncycle:\n  lateThreshold: 1\nfoo: 1\nbar: 2\n");
  assert.deepEqual(
    errors.map((error) => error.key),
    ["cycle.lateThreshold", "foo", "bar"],
  );
  const lines = formatConfigErrors(errors).split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[0], "test.yml:3: cycle.lateThreshold: must be a whole number between 2 and 12");
  assert.equal(
    formatConfigErrors([{ file: DEFAULT_CONFIG_PATH, key: "cycle.lateThreshold", message: "must be …" }]),
    ".github/merge-window.yml: cycle.lateThreshold: must be …",
  );
});

test("the file name defaults to .github/merge-window.yml", () => {
  const result = parseConfig("subsystem: audit\nbogus: 1\n");
  assert.ok(!result.ok);
  assert.equal(result.errors[0]!.file, DEFAULT_CONFIG_PATH);
});

test("a deeply nested file under 64 KB is refused before the YAML parser, naming the line", () => {
  const flow = `subsystem: selinux\nupstream:\n  subsystemPaths: ${"[".repeat(30_000)}${"]".repeat(30_000)}\n`;
  assert.ok(flow.length < 64 * 1024);
  const result = parseConfig(flow);
  assert.ok(!result.ok);
  assert.deepEqual(
    result.errors.map((error) => [error.line, error.message]),
    [[3, "nests deeper than 16 levels; a merge-window config needs 3"]],
  );
  const indented = Array.from({ length: 40 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
  const deepBlock = parseConfig(`subsystem: selinux\n${indented} 1\n`);
  assert.ok(!deepBlock.ok && /nests deeper than 16 levels/.test(deepBlock.errors[0]!.message));
  // The shipped examples, the deepest real configs, are far from the limit.
  for (const name of EXAMPLES) assert.ok(parseConfig(readFileSync(join(CONFIG_DIR, name), "utf8")).ok, name);
});

test("a config blob is parsed once: the same text gives the very same result, other text a new one", () => {
  const text = "subsystem: audit\ncycle:\n  lateThreshold: 5\n";
  const first = parseConfig(text);
  assert.ok(first.ok);
  assert.equal(parseConfig(text), first, "cached by content");
  assert.notEqual(parseConfig(`${text}\n`), first);
  assert.notEqual(parseConfig(text, { file: "other.yml" }), first, "errors name the file: keyed by it too");
});
