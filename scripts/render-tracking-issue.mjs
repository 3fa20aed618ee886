// Documentation tool: renders a tracking-issue body as GitHub shows it (Markdown, the Mermaid timeline drawn, GitHub's
// CSS) and screenshots it with headless Chromium into docs/tracking-issue.png for the README. Not part of npm test.
//
//   node scripts/render-tracking-issue.mjs [body.md] [out.png] [--title "merge-window: v6.9 (selinux)"]
//
// Defaults: the body of the replayed cycle committed as a test snapshot (tests/sandbox/snapshots/tracking-issue.md)
// and docs/tracking-issue.png. Needs Debian's Chromium (`apt-get install -y chromium fonts-noto-color-emoji`) at
// /usr/bin/chromium, or CHROMIUM=/path/to/chrome. Offline: every network request of the page is refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import MarkdownIt from "markdown-it";
import { chromium } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const positional = [];
  let title = "merge-window: v6.9 (selinux)";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--title") title = argv[++i] ?? title;
    else positional.push(argv[i]);
  }
  return {
    input: resolve(positional[0] ?? join(ROOT, "tests/sandbox/snapshots/tracking-issue.md")),
    output: resolve(positional[1] ?? join(ROOT, "docs/tracking-issue.png")),
    title,
  };
}

const escapeHtml = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The body as GitHub's renderer shows it: HTML comments hidden, <sub> kept, ```mermaid blocks left to Mermaid. */
function renderBody(markdown) {
  const md = new MarkdownIt({ html: true, linkify: true, breaks: false });
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, index, options, env, self) => {
    const token = tokens[index];
    if (token.info.trim() === "mermaid") return `<pre class="mermaid">${escapeHtml(token.content)}</pre>\n`;
    return fence(tokens, index, options, env, self);
  };
  return md.render(markdown);
}

function buildPage(title, bodyHtml) {
  const css = readFileSync(require.resolve("github-markdown-css/github-markdown-light.css"), "utf8");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${css}
body { margin: 0; background: #ffffff; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial,
  sans-serif, "Noto Color Emoji"; }
.issue { width: 920px; padding: 24px 32px 32px; }
.issue h1 { font-size: 26px; font-weight: 400; margin: 0 0 8px; color: #1f2328; }
.issue h1 .number { color: #59636e; font-weight: 300; }
.state { display: inline-block; padding: 4px 12px; border-radius: 2em; background: #1f883d; color: #fff;
  font-size: 14px; font-weight: 500; margin-right: 8px; }
.meta { color: #59636e; font-size: 14px; padding-bottom: 16px; border-bottom: 1px solid #d1d9e0; margin-bottom: 16px; }
.comment { border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; font-size: 14px;
  color: #59636e; border-radius: 6px 6px 0 0; }
.comment-header strong { color: #1f2328; }
.markdown-body { padding: 16px; font-size: 14px; }
.markdown-body pre.mermaid { background: #ffffff; padding: 0; text-align: center; }
</style></head>
<body><div class="issue">
<h1>${escapeHtml(title)} <span class="number">#1</span></h1>
<div class="meta"><span class="state">Open</span><strong>merge-window</strong> <span>bot</span> opened this issue</div>
<div class="comment"><div class="comment-header"><strong>merge-window</strong> bot commented</div>
<article class="markdown-body">${bodyHtml}</article></div>
</div></body></html>`;
}

async function main() {
  const { input, output, title } = parseArgs(process.argv.slice(2));
  const html = buildPage(title, renderBody(readFileSync(input, "utf8")));
  const profile = mkdtempSync(join(tmpdir(), "mw-render-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 984, height: 800 },
    deviceScaleFactor: 2,
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.route("**/*", (route) => (route.request().url().startsWith("data:") ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: "load" });
    await page.addScriptTag({ path: require.resolve("mermaid/dist/mermaid.min.js") });
    const drawn = await page.evaluate(async () => {
      const mermaid = globalThis.mermaid;
      mermaid.initialize({ startOnLoad: false, theme: "default", gantt: { useWidth: 840 } });
      await mermaid.run({ querySelector: "pre.mermaid" });
      return globalThis.document.querySelectorAll("pre.mermaid svg").length;
    });
    const blocks = (html.match(/<pre class="mermaid">/g) ?? []).length;
    if (drawn !== blocks) throw new Error(`Mermaid drew ${drawn} of ${blocks} diagram(s)`);
    mkdirSync(dirname(output), { recursive: true });
    const png = await page.locator(".issue").screenshot({ type: "png" });
    writeFileSync(output, png);
    console.log(`${output}: ${blocks} Mermaid diagram(s) drawn, ${png.length} bytes`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`render-tracking-issue: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
