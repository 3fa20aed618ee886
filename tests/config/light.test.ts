// The CLI's zod-free config reader gives exactly the schema's Config for the simple files it accepts, the built-in
// defaults equal the schema's, and every other file (unknown key, bad value, bad YAML) is left to the schema.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildDefaultConfig } from "../../src/config/defaults.ts";
import { readSimpleConfig } from "../../src/config/light.ts";
import { defaultConfig, parseConfig } from "../../src/config/load.ts";

const FINGERPRINT = "0123456789ABCDEF0123456789abcdef01234567";

describe("readSimpleConfig", () => {
  it("equals the schema's defaults for any subsystem", () => {
    for (const subsystem of ["selinux", "net", "a.b_c-d", "next", "stable"]) {
      assert.deepEqual(buildDefaultConfig(subsystem), defaultConfig(subsystem));
    }
  });

  it("reads subsystem and signing as the schema does", () => {
    for (const text of [
      "subsystem: selinux\n",
      `subsystem: selinux\nsigning:\n  allowedSigners: ["${FINGERPRINT}"]\n`,
      `# comment\nsubsystem: "landlock"\nsigning: { mode: app, allowedSigners: [] }\n`,
      "subsystem: net\nsigning: {}\n",
    ]) {
      const full = parseConfig(text);
      assert.ok(full.ok, text);
      assert.deepEqual(readSimpleConfig(text), full.config, text);
    }
  });

  it("leaves every other file to the schema (null)", () => {
    for (const text of [
      "",
      "subsystem: selinux\ntimeZone: Europe/Paris\n",
      "subsystem: Bad Name\n",
      "subsystem: selinux\nsigning:\n  allowedSigners: [nothex]\n",
      "subsystem: selinux\nsigning:\n  mode: robot\n",
      "subsystem: selinux\nsigning:\n  allowedSignersFile: keys\n",
      "subsystem: selinux\nsubsystem: net\n",
      "subsystem: [selinux\n",
      "- selinux\n",
      `subsystem: selinux\nx: ${"[".repeat(20)}${"]".repeat(20)}\n`,
    ]) {
      assert.equal(readSimpleConfig(text), null, JSON.stringify(text));
    }
  });
});
