#!/usr/bin/env node
// Import-cycle check: `node scripts/check-cycles.mjs [dir]` (default src/). Reads every .ts file under dir, takes
// each relative module specifier — `import … from`, `import "…"`, `export … from`, dynamic `import("…")` and
// `typeof import("…")` — and finds the strongly connected components of that graph. Type-only imports count too:
// tsc erases them, so they never run, but a cycle through them is still two modules that cannot be understood (or
// moved) apart; the output marks such edges "(type)". Specifiers that leave dir or name a package are ignored.
// Exit 0: "no import cycles among N modules"; exit 1: one line per cycle, as a path that returns to its start.
// Parses with the TypeScript compiler already in devDependencies, so comments and strings never count as imports.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const root = resolve(process.argv[2] ?? "src");
if (!existsSync(root) || !statSync(root).isDirectory()) {
  console.error(`check-cycles: ${relative(process.cwd(), root) || root} is not a directory`);
  process.exit(2);
}

/** Every .ts file under dir (declaration files excluded), sorted for stable output. */
function listModules(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : listModules(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
    })
    .sort();
}

/** Each module specifier in the file, with whether that use of it is type-only. */
function findSpecifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((element) => element.isTypeOnly));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The module a relative specifier names, or null (a package, or a file outside the scanned set). */
function resolveSpecifier(from, specifier, modules) {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.(m|c)?js$/, ".$1ts"), `${base}.ts`, join(base, "index.ts")];
  return candidates.find((candidate) => modules.has(candidate)) ?? null;
}

const files = listModules(root);
const modules = new Set(files);
/** edges.get(a).get(b): true when every import of b by a is type-only. */
const edges = new Map(files.map((file) => [file, new Map()]));
for (const file of files) {
  for (const { specifier, typeOnly } of findSpecifiers(file)) {
    const target = resolveSpecifier(file, specifier, modules);
    if (target === null) continue;
    const out = edges.get(file);
    out.set(target, (out.get(target) ?? true) && typeOnly);
  }
}

/** Tarjan's strongly connected components (iterative: no recursion limit on deep import chains). */
function findComponents() {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work = [{ node: start, targets: [...edges.get(start).keys()], next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.targets.length) {
        const target = frame.targets[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, targets: [...edges.get(target).keys()], next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && edges.get(member).has(member);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const MAX_CYCLES_PER_GROUP = 25;

/**
 * The elementary cycles of one component, each starting at its smallest module (so each is listed once), shortest
 * first; at most MAX_CYCLES_PER_GROUP, and `more` says whether the search stopped early.
 */
function listCycles(component) {
  const order = new Map(component.map((node, i) => [node, i]));
  const found = [];
  let more = false;
  for (const start of component) {
    const path = [start];
    const onPath = new Set(path);
    const walk = (node) => {
      for (const target of edges.get(node).keys()) {
        if (more) return;
        if (target === start) {
          if (found.length === MAX_CYCLES_PER_GROUP) more = true;
          else found.push([...path, start]);
        } else if (order.has(target) && order.get(target) > order.get(start) && !onPath.has(target)) {
          path.push(target);
          onPath.add(target);
          walk(target);
          onPath.delete(target);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return { cycles: found.sort((a, b) => a.length - b.length), more };
}

const show = (file) => relative(process.cwd(), file).split(sep).join("/");
const components = findComponents();
const shownRoot = show(root) || ".";
if (components.length === 0) {
  console.log(`no import cycles among ${files.length} modules under ${shownRoot}/`);
  process.exit(0);
}

const isTypeStep = (cycle, i) => edges.get(cycle[i]).get(cycle[i + 1]);
console.log(
  `import cycles under ${shownRoot}/: ${components.length} group(s) of modules that import each other, ` +
    `${components.reduce((sum, component) => sum + component.length, 0)} of ${files.length} modules:`,
);
const cycles = [];
for (const component of components) {
  const { cycles: found, more } = listCycles(component);
  cycles.push(...found);
  for (const cycle of found) {
    const steps = cycle.slice(1).map((node, i) => `${isTypeStep(cycle, i) ? " →(type) " : " → "}${show(node)}`);
    console.log(`  ${show(cycle[0])}${steps.join("")}`);
  }
  if (more) console.log(`  … and more among ${component.map(show).join(", ")}`);
}
if (cycles.some((cycle) => cycle.slice(1).some((_, i) => isTypeStep(cycle, i)))) {
  console.log("(type): every import along that step is type-only; erased at run time, but still a cycle to break.");
}
process.exit(1);
