// The container recipe and the README's bare-metal steps are one recipe: the Dockerfile's marked RUN steps appear
// in the README's Deploy section, in order. Where a container engine answers, the image is also built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

/** The commands of the RUN lines that follow a `# step:` comment. */
export function readDockerSteps(text: string): string[] {
  const lines = text.split("\n");
  return lines.flatMap((line, i) =>
    line.startsWith("# step:") && lines[i + 1]?.startsWith("RUN ") ? [lines[i + 1]!.slice(4).trim()] : [],
  );
}

/** The shell lines of the README's bare-metal code block (under "### On a machine (bare metal)"). */
function readBareMetalSteps(readme: string): string[] {
  const section = readme.slice(readme.indexOf("### On a machine (bare metal)"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
}

test("the Dockerfile's steps are the README's bare-metal steps, in the same order", () => {
  const docker = readDockerSteps(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
  assert.equal(docker.length, 4, "system packages, dependencies, build, cache directory");
  const documented = readBareMetalSteps(readFileSync(join(ROOT, "README.md"), "utf8"));
  const normalize = (command: string) => command.replace(/^sudo /, "").replace(/\s+/g, " ");
  let at = -1;
  for (const step of docker) {
    const found = documented.findIndex((line, i) => i > at && normalize(line) === normalize(step));
    assert.ok(found > at, `README's bare-metal steps lack, or misorder: ${step}\n${documented.join("\n")}`);
    at = found;
  }
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  assert.match(dockerfile, /^FROM node:20-slim$/m);
  assert.match(dockerfile, /^USER node$/m, "non-root");
  assert.match(dockerfile, /^VOLUME \/var\/cache\/merge-window$/m);
});

test("the image builds (only where a container engine answers)", (t) => {
  const probe = spawnSync("docker", ["info"], { encoding: "utf8", timeout: 10_000 });
  if (probe.status !== 0) return t.skip("no container engine answers here (docker info failed)");
  const built = spawnSync("docker", ["build", "-t", "merge-window:test", "."], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 900_000,
  });
  assert.equal(built.status, 0, built.stderr);
});
