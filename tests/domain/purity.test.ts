// src/domain stays pure: no I/O libraries, no node:* modules, no clock or environment reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const DOMAIN = join(import.meta.dirname, "../../src/domain");

test("src/domain imports nothing from probot, octokit, simple-git, node-cron or node:*, and reads no clock", () => {
  const files = readdirSync(DOMAIN, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
  assert.ok(files.length >= 10);
  for (const file of files) {
    const text = readFileSync(join(DOMAIN, file), "utf8");
    const imports = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
    for (const source of imports) {
      const inside = !relative(DOMAIN, resolve(DOMAIN, dirname(file), source)).startsWith("..");
      assert.ok(source.startsWith(".") && inside, `${file} imports ${source}: the domain may only import itself`);
    }
    assert.doesNotMatch(
      text,
      /\bDate\.now\(|new Date\(\)|(?<![./\w])process\.|require\(|\bBuffer\b|\bfetch\(/,
      `${file} reads the clock, the environment or does I/O`,
    );
  }
});
