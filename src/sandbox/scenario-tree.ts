// The files of the sandbox's and fixtures' kernel trees: upstream's first files, pseudo-C contents, the top Makefile.

/** Upstream's first files: enough of a kernel tree for subsystem patches to touch. */
export const UPSTREAM_FILES: readonly string[] = [
  "MAINTAINERS",
  "README",
  "fs/namei.c",
  "include/linux/lsm_hooks.h",
  "kernel/sched/core.c",
  "security/selinux/Makefile",
  "security/selinux/avc.c",
  "security/selinux/hooks.c",
  "security/selinux/include/security.h",
  "security/selinux/include/upstream.h",
  "security/selinux/ss/policydb.c",
  "security/selinux/ss/services.c",
  "security/selinux/ss/symtab.c",
];

/** The top of a kernel Makefile for `tag` (`v6.8-rc1` → VERSION 6, PATCHLEVEL 8, EXTRAVERSION -rc1). */
export function renderMakefile(tag: string): string {
  const match = /^v(\d+)\.(\d+)(?:\.(\d+))?(-rc\d+)?$/.exec(tag);
  const [version, patchlevel, sublevel, extra] = match
    ? [match[1], match[2], match[3] ?? "0", match[4] ?? ""]
    : ["0", "0", "0", ""];
  return (
    `# SPDX-License-Identifier: GPL-2.0\nVERSION = ${version}\nPATCHLEVEL = ${patchlevel}\n` +
    `SUBLEVEL = ${sublevel}\nEXTRAVERSION = ${extra}\nNAME = Baby Opossum Posse\n`
  );
}

/** Twenty deterministic lines of pseudo-C for `path`. */
export function renderSourceFile(path: string): string {
  const ident = path.replace(/[^A-Za-z0-9]+/g, "_");
  const lines = [`// SPDX-License-Identifier: GPL-2.0-only`, `/*`, ` * ${path}`, ` */`];
  for (let i = 1; i <= 16; i++) lines.push(`int ${ident}_${i}(void) { return ${i}; }`);
  return `${lines.join("\n")}\n`;
}
