// The [GIT PULL] body and mail: round trips on real mails (git's raw output, Paul Moore's wrapped style), b4's
// anchors, the signature cut, the subject template and the mail layout.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/load.ts";
import { InputError } from "../../src/domain/errors.ts";
import {
  deriveTagMessage,
  parseRequestPull,
  renderPullRequestMail,
  renderRequestPull,
  renderSubject,
  REQUEST_PULL_DASHES,
  type RequestPullData,
} from "../../src/domain/request-pull.ts";

const EMAILS = join(import.meta.dirname, "../data/git-pull-emails");

/** The request-pull part of a stored mail: from "The following changes" through the diffstat. */
function readBody(file: string): string {
  const text = readFileSync(join(EMAILS, file), "utf8");
  const start = text.indexOf("The following changes since commit");
  const signature = text.indexOf("\n\n--\n", start);
  return text.slice(start, signature < 0 ? undefined : signature + 1);
}

/** b4 (and pr-tracker-bot) find a pull request's base, tip, repository and ref with these (src/b4/pr.py). */
const B4 = {
  since: /changes since commit ([\da-f]{5,40}):/im,
  tip: /fetch changes up to ([\da-f]{5,40}):/im,
  remoteRef: /^\s*([\w+-]+(?::\/\/|@)[\w/.@:~-]+)[\s\\]+([\w/._-]+)\s*$/im,
};

const SAMPLE: RequestPullData = {
  base: {
    sha: "6613476e225e090cc9aad49be7fa504e290dd33d",
    subject: "Linux 6.8-rc1",
    date: "2024-01-21 14:11:32 -0800",
  },
  url: "https://git.kernel.org/pub/scm/linux/kernel/git/pcmoore/selinux.git",
  ref: "tags/selinux-pr-20240312",
  tip: {
    sha: "a1fc79343abbdc5bebb80c2a9032063442df8b59",
    subject: "selinux: fix style issues in security/selinux/ss/symtab.c",
    date: "2024-02-23 17:26:09 -0500",
  },
  tagMessage: "selinux/stable-6.9 PR 20240312\n",
  branchDescription: null,
  shortlog: "bauen1 (1):\n      selinux: allow dontauditx and auditallowx rules to take effect without allowx\n\n",
  diffstat: " security/selinux/hooks.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n",
};

describe("renderRequestPull / parseRequestPull", () => {
  for (const file of [
    "11-landlock-6.8-rc7-raw-request-pull.txt",
    "12-landlock-6.3-merge-window-raw-request-pull.txt",
  ]) {
    it(`round-trips git's raw output byte for byte: ${file}`, () => {
      const body = readBody(file);
      const parsed = parseRequestPull(body);
      assert.equal(parsed.style, "git");
      assert.equal(renderRequestPull(parsed, "git"), body);
    });
  }

  it("reads every fact of email 11", () => {
    const parsed = parseRequestPull(readFileSync(join(EMAILS, "11-landlock-6.8-rc7-raw-request-pull.txt"), "utf8"));
    assert.deepEqual(parsed, {
      base: {
        sha: "d206a76d7d2726f3b096037f2079ce0bd3ba329b",
        subject: "Linux 6.8-rc6",
        date: "2024-02-25 15:46:06 -0800",
      },
      url: "git://git.kernel.org/pub/scm/linux/kernel/git/mic/linux.git",
      ref: "tags/landlock-6.8-rc7",
      tip: {
        sha: "d9818b3e906a0ee1ab02ea79e74a2f755fc5461a",
        subject: "landlock: Fix asymmetric private inodes referring",
        date: "2024-02-26 18:23:53 +0100",
      },
      tagMessage: "Landlock fix for v6.8-rc7\n",
      branchDescription: null,
      shortlog: "Mickaël Salaün (1):\n      landlock: Fix asymmetric private inodes referring\n\n",
      diffstat: " security/landlock/fs.c | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)\n",
      style: "git",
    });
  });

  it("reproduces Paul Moore's wrapped body of email 01 and reads it back unwrapped", () => {
    const body = readBody("01-selinux-pr-20240312-v6.9-merge-window.txt");
    const parsed = parseRequestPull(body);
    assert.equal(parsed.style, "wrapped");
    assert.equal(parsed.url, SAMPLE.url);
    assert.equal(parsed.ref, SAMPLE.ref);
    assert.deepEqual(parsed.tip, SAMPLE.tip);
    assert.equal(renderRequestPull(parsed, "wrapped"), body);
    assert.match(renderRequestPull(parsed, "git"), /^ {2}https:\S+selinux\.git tags\/selinux-pr-20240312$/m);
  });

  it("wraps the URL, a long subject line and a long shortlog entry, and parses back to the same data", () => {
    const wrapped = renderRequestPull(SAMPLE, "wrapped");
    assert.match(wrapped, /^ {2}https:\S+selinux\.git\n {4}tags\/selinux-pr-20240312\n/m);
    assert.match(
      wrapped,
      /^ {2}selinux: fix style issues in security\/selinux\/ss\/symtab\.c\n {4}\(2024-02-23 17:26:09 -0500\)\n/m,
    );
    assert.match(wrapped, /^ {2}Linux 6\.8-rc1 \(2024-01-21 14:11:32 -0800\)$/m);
    assert.match(wrapped, /^ {6}selinux: allow dontauditx and auditallowx rules to take effect without\n {9}allowx\n/m);
    assert.ok(
      wrapped
        .split("\n")
        .filter((line) => !line.includes(" | "))
        .every((line) => [...line].length <= 78),
      "no line over 78 columns but git's diffstat",
    );
    const { style, ...data } = parseRequestPull(wrapped);
    assert.equal(style, "wrapped");
    assert.deepEqual(data, SAMPLE);
  });

  it("splits a commit line at 78 columns as email 01 does: 79 splits (email 11's real tip line), 78 stays", () => {
    const raw = parseRequestPull(readBody("11-landlock-6.8-rc7-raw-request-pull.txt"));
    const tipLine = `  ${raw.tip.subject} (${raw.tip.date})`;
    assert.equal(tipLine.length, 79);
    assert.ok(renderRequestPull(raw, "git").includes(`\n${tipLine}\n`), "git never splits");
    const wrapped = renderRequestPull(raw, "wrapped");
    assert.ok(wrapped.includes(`\n  ${raw.tip.subject}\n    (${raw.tip.date})\n\n`), wrapped);
    const at78 = { ...raw, tip: { ...raw.tip, subject: raw.tip.subject.slice(0, -1) } };
    assert.ok(renderRequestPull(at78, "wrapped").includes(`\n  ${at78.tip.subject} (${raw.tip.date})\n`));
    // Email 01's header and shortlog: every line Paul Moore left whole fits in 78 columns, every split one did not.
    const body = readBody("01-selinux-pr-20240312-v6.9-merge-window.txt");
    const header = body.slice(0, body.indexOf(REQUEST_PULL_DASHES));
    assert.ok(header.split("\n").every((line) => line.length <= 78));
    const parsed = parseRequestPull(body);
    assert.ok(`  ${parsed.tip.subject} (${parsed.tip.date})`.length > 78);
    assert.equal(renderRequestPull(parsed, "wrapped"), body);
  });

  for (const style of ["git", "wrapped"] as const) {
    it(`keeps b4's anchors in the ${style} style`, () => {
      const text = renderRequestPull(SAMPLE, style);
      assert.equal(B4.since.exec(text)?.[1], SAMPLE.base.sha);
      assert.equal(B4.tip.exec(text)?.[1], SAMPLE.tip.sha);
      const remote = B4.remoteRef.exec(text);
      assert.deepEqual([remote?.[1], remote?.[2]], [SAMPLE.url, SAMPLE.ref]);
    });
  }

  it("prints the tag block with git's extra newline, an empty ref with git's trailing space, a description", () => {
    const text = renderRequestPull({
      ...SAMPLE,
      ref: "",
      tagMessage: "",
      branchDescription: { branch: "next", text: "Next things.\n" },
    });
    assert.match(text, new RegExp(`^ {2}${SAMPLE.url} \\n`, "m"));
    assert.ok(
      text.includes(
        `${REQUEST_PULL_DASHES}\n\n${REQUEST_PULL_DASHES}\n(from the branch description for next local ` +
          `branch)\n\nNext things.\n${REQUEST_PULL_DASHES}\nbauen1 (1):\n`,
      ),
    );
    const { style, ...data } = parseRequestPull(text);
    assert.equal(style, "git");
    assert.deepEqual(data, {
      ...SAMPLE,
      ref: "",
      tagMessage: "",
      branchDescription: { branch: "next", text: "Next things.\n" },
    });
    const untagged = renderRequestPull({ ...SAMPLE, tagMessage: null });
    assert.ok(untagged.includes(`-0500)\n\n${REQUEST_PULL_DASHES}\nbauen1 (1):\n`));
    assert.equal(parseRequestPull(untagged).tagMessage, null);
  });

  it("refuses data that would break the body, naming the field", () => {
    const refuses = (data: RequestPullData, text: RegExp): void => {
      assert.throws(
        () => renderRequestPull(data),
        (error: unknown) => error instanceof InputError && text.test(error.message),
      );
    };
    refuses({ ...SAMPLE, base: { ...SAMPLE.base, sha: "6613476e" } }, /base commit "6613476e" is not a full commit id/);
    refuses({ ...SAMPLE, tip: { ...SAMPLE.tip, subject: "two\nlines" } }, /tip subject contains a line break/);
    refuses({ ...SAMPLE, tip: { ...SAMPLE.tip, date: "2024-02-23" } }, /tip date "2024-02-23" is not a %ci date/);
    refuses({ ...SAMPLE, url: "https://example.org/a b" }, /URL .* white space/);
  });

  it("a text without the since-commit line is refused saying so", () => {
    assert.throws(() => parseRequestPull("Hi Linus,\n"), /no "The following changes since commit <id>:" line/);
  });
});

describe("parseRequestPull on Gmail-collapsed mails (one leading space lost on every indented line)", () => {
  /** What Gmail's web client did to these mails: one space off every line that starts with one. */
  const collapse = (text: string) =>
    text
      .split("\n")
      .map((line) => (line.startsWith(" ") ? line.slice(1) : line))
      .join("\n");
  /** The body of a collapsed mail, through its diffstat (its signature is "-- ", not "--"). */
  const collapsedBody = (file: string) => {
    const text = readFileSync(join(EMAILS, file), "utf8");
    const start = text.indexOf("The following changes since commit");
    return text.slice(start, text.indexOf("\n\n-- ", start) + 1);
  };

  it("email 06 is understood, and the wrapped style collapsed again gives its bytes back", () => {
    const body = collapsedBody("06-selinux-fixes-v5.16-4-rc-fix-gmail.txt");
    const parsed = parseRequestPull(body);
    assert.equal(parsed.mangled, "collapsed-indent");
    assert.equal(parsed.style, "wrapped");
    assert.deepEqual(parsed.base, {
      sha: "cc274ae7763d9700a56659f3228641d7069e7a3f",
      subject: "selinux: fix sleeping function called from invalid context",
      date: "2021-12-16 17:47:39 -0500",
    });
    assert.deepEqual(
      [parsed.url, parsed.ref, parsed.tip.sha],
      [
        "git://git.kernel.org/pub/scm/linux/kernel/git/pcmoore/selinux.git",
        "tags/selinux-pr-20211228",
        "732bc2ff080c447f8524f40c970c481f5da6eed3",
      ],
    );
    assert.equal(
      parsed.shortlog,
      "Tom Rix (1):\n      selinux: initialize proto variable in selinux_ip_postroute_compat()\n\n",
    );
    assert.equal(parsed.diffstat, " security/selinux/hooks.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n");
    // Base (88 columns) and tip (97) split, as the 78-column rule splits them.
    assert.equal(collapse(renderRequestPull(parsed, "wrapped")), body);
  });

  it("email 07 is understood; collapsed again it differs only in the continuation's indent (8 there, 9 here)", () => {
    const body = collapsedBody("07-selinux-patches-v5.11-merge-window-gmail.txt");
    const parsed = parseRequestPull(body);
    assert.equal(parsed.mangled, "collapsed-indent");
    assert.ok(
      parsed.shortlog.includes(
        "bauen1 (1):\n      selinux: allow dontauditx and auditallowx rules to take effect without allowx\n\n",
      ),
    );
    assert.ok(parsed.diffstat.startsWith(" .../chelsio/inline_crypto/chtls/chtls_cm.c         |  2 +-\n"));
    const ours = collapse(renderRequestPull(parsed, "wrapped")).split("\n");
    const theirs = body.split("\n");
    assert.equal(ours.length, theirs.length);
    const differing = theirs.flatMap((line, n) => (line === ours[n] ? [] : [[line, ours[n]]]));
    assert.deepEqual(differing, [["       allowx", "        allowx"]]);
  });

  it("a collapsed mail whose shape breaks further is refused naming the line", () => {
    const body = collapsedBody("06-selinux-fixes-v5.16-4-rc-fix-gmail.txt").replace("   (2021-12-16", "  (2021-12-16");
    assert.throws(
      () => parseRequestPull(body),
      (error: unknown) =>
        error instanceof InputError && /line 4: expected " {3}\(<date>\)", found " {2}\(2021-12-16/.test(error.message),
    );
  });
});

describe("deriveTagMessage", () => {
  const header =
    "object a1fc79343abbdc5bebb80c2a9032063442df8b59\ntype commit\ntag selinux-pr-20240312\n" +
    "tagger Paul Moore <paul@paul-moore.com> 1710284531 -0400\n\n";
  const cases: [string, string, string][] = [
    [
      "PGP signature",
      "selinux/stable-6.9 PR 20240312\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n",
      "selinux/stable-6.9 PR 20240312\n",
    ],
    [
      "SSH signature",
      "msg\n\nmore\n-----BEGIN SSH SIGNATURE-----\nU1NI\n-----END SSH SIGNATURE-----\n",
      "msg\n\nmore\n",
    ],
    ["X.509 signature", "msg\n-----BEGIN SIGNED MESSAGE-----\nMII\n", "msg\n"],
    ["no signature", "msg\n\nsecond paragraph\n", "msg\n\nsecond paragraph\n"],
    ["no final newline", "msg", "msg"],
    [
      "a BEGIN line needs the space after the kind",
      "-----BEGIN PGPX not a signature\nend\n",
      "-----BEGIN PGPX not a signature\nend\n",
    ],
    ["indented BEGIN is text", " -----BEGIN PGP SIGNATURE-----\n", " -----BEGIN PGP SIGNATURE-----\n"],
    ["empty message", "", ""],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => assert.equal(deriveTagMessage(header + body), expected));
  }
  it("a tag object without a message block gives nothing (sed deletes every line)", () => {
    assert.equal(deriveTagMessage("object a1fc79343abbdc5bebb80c2a9032063442df8b59\ntype commit\ntag x\n"), "");
  });
});

describe("renderSubject", () => {
  const SUBJECT = defaultConfig("selinux").pullRequest.subject;
  it("the default pullRequest.subject gives [GIT PULL] {subsystem}/{tag}", () => {
    assert.equal(
      renderSubject(SUBJECT, { subsystem: "selinux", tag: "selinux-pr-20240312" }),
      "[GIT PULL] selinux/selinux-pr-20240312",
    );
  });
  it("fills older templates", () => {
    assert.equal(
      renderSubject("[GIT PULL] SELinux fixes for v{version} (#{n})", { version: "5.16", n: "4" }),
      "[GIT PULL] SELinux fixes for v5.16 (#4)",
    );
  });
  it("refuses unknown and missing fields and line breaks", () => {
    assert.throws(
      () => renderSubject("[GIT PULL] {subsys}", {}),
      (e: unknown) => e instanceof InputError && e.code === "bad-subject-template" && /\{subsys\}/.test(e.message),
    );
    assert.throws(
      () => renderSubject("[GIT PULL] {tag}", {}),
      (e: unknown) => e instanceof InputError && e.code === "missing-field" && /\{tag\}/.test(e.message),
    );
    assert.throws(
      () => renderSubject(SUBJECT, { subsystem: "selinux", tag: "x\nBcc: evil@example.org" }),
      /line break/,
    );
  });
});

describe("renderPullRequestMail", () => {
  const body = renderRequestPull(SAMPLE, "wrapped");
  it("lays the mail out like email 01: headers, greeting, intro, sign-off, --, request-pull body", () => {
    const mail = renderPullRequestMail({
      subject: "[GIT PULL] selinux/selinux-pr-20240312",
      to: ["Linus Torvalds <torvalds@linux-foundation.org>"],
      cc: ["selinux@vger.kernel.org", "linux-security-module@vger.kernel.org", "linux-kernel@vger.kernel.org"],
      greeting: "Hi Linus,",
      intro:
        "There are a number of SELinux patches for the Linux v6.9 merge window.\n\n" +
        "- Continue the coding style fixup work\n",
      signoff: "Please merge when you have the chance,\n-Paul\n",
      body,
    });
    assert.equal(
      mail,
      [
        "To: Linus Torvalds <torvalds@linux-foundation.org>",
        "Cc: selinux@vger.kernel.org, linux-security-module@vger.kernel.org, linux-kernel@vger.kernel.org",
        "Subject: [GIT PULL] selinux/selinux-pr-20240312",
        "",
        "Hi Linus,",
        "",
        "There are a number of SELinux patches for the Linux v6.9 merge window.",
        "",
        "- Continue the coding style fixup work",
        "",
        "Please merge when you have the chance,",
        "-Paul",
        "",
        "--",
        "",
      ].join("\n") + body,
    );
    assert.equal(parseRequestPull(mail).tip.sha, SAMPLE.tip.sha);
  });
  it("omits an empty Cc and an empty intro; refuses header injection and no recipient", () => {
    const mail = renderPullRequestMail({
      subject: "s",
      to: ["a@example.org"],
      cc: [],
      greeting: "Hi,",
      intro: "",
      signoff: "Thanks",
      body,
    });
    assert.ok(mail.startsWith("To: a@example.org\nSubject: s\n\nHi,\n\nThanks\n\n--\nThe following changes"));
    assert.throws(
      () =>
        renderPullRequestMail({ subject: "s\nBcc: x", to: ["a"], cc: [], greeting: "", intro: "", signoff: "", body }),
      /Subject contains a line break/,
    );
    assert.throws(
      () => renderPullRequestMail({ subject: "s", to: [], cc: [], greeting: "", intro: "", signoff: "", body }),
      /To is empty/,
    );
  });
});

describe("parseRequestPull never returns an empty section silently", () => {
  const body = renderRequestPull(SAMPLE, "git");
  const lines = body.split("\n");
  const closing = lines.lastIndexOf(REQUEST_PULL_DASHES);

  it("a body cut after the closing dashes: an error naming the line where the shortlog should start", () => {
    const cut = `${lines.slice(0, closing + 1).join("\n")}\n`;
    assert.throws(
      () => parseRequestPull(cut),
      new RegExp(`line ${closing + 2}: expected a shortlog line "<author> \\(<count>\\):", found "(<end>)?"`),
    );
  });

  it("a shortlog without its diffstat: an error naming the line", () => {
    const shortlogEnd = lines.findIndex((line, index) => index > closing && line.startsWith(" ") && line.includes("|"));
    const cut = `${lines.slice(0, shortlogEnd).join("\n")}\n`;
    assert.throws(() => parseRequestPull(cut), new RegExp(`line ${shortlogEnd + 1}: expected a diffstat line`));
  });

  it("no blank line before the closing dashes: the same data, or an error naming a line — never empty sections", () => {
    const squeezed = [...lines.slice(0, closing - 1), ...lines.slice(closing)].join("\n");
    try {
      const parsed = parseRequestPull(squeezed);
      assert.notEqual(parsed.shortlog, "");
      assert.notEqual(parsed.diffstat, "");
    } catch (error) {
      assert.ok(error instanceof InputError && /line \d+: expected/.test(error.message), String(error));
    }
  });
});

describe("parseRequestPull on mails a mail client mangled", () => {
  it("a base subject wrapped over three lines is refused with the line that breaks the shape", () => {
    const body = readBody("01-selinux-pr-20240312-v6.9-merge-window.txt");
    const lines = body.split("\n");
    const at = lines.findIndex((line) => line.startsWith("  Linux 6.8-rc1 ("));
    const mangled = [
      ...lines.slice(0, at),
      "  Linux",
      "  6.8-rc1",
      "    (2024-01-21 14:11:32 -0800)",
      ...lines.slice(at + 1),
    ];
    assert.throws(
      () => parseRequestPull(mangled.join("\n")),
      new RegExp(`line ${at + 2}: expected " {4}\\(<date>\\)", found " {2}6\\.8-rc1"`),
    );
  });
});
