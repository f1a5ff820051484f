// Cuts GitHub's REST description (npm @octokit/openapi) down to the operations
// petrova sends, plus every component they reference, and writes it to
// contract/out/spec.json for `prism proxy`. The whole description is 13 MB and
// takes Prism ~10 s to load; the cut one loads in well under a second.
//
// Prism matches one path segment per `{ref}`, but petrova asks for
// `git/ref/heads/main` and `git/ref/heads/petrova/propose-fix/<key>` (slashes
// kept, as GitHub wants them). So the `{ref}` operation is cloned onto explicit
// `heads/{a}`, `heads/{a}/{b}` and `heads/{a}/{b}/{c}` paths.
//
//   node contract/prepare-spec.mjs [out-file]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The operations petrova sends (core/src/github/{apply,fleet,doctor}.rs), and a few it may. */
export const KEPT = {
  "/repos/{owner}/{repo}": ["get", "patch"],
  "/repos/{owner}/{repo}/pulls": ["get", "post"],
  "/repos/{owner}/{repo}/pulls/{pull_number}": ["get", "patch"],
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers": ["post"],
  "/repos/{owner}/{repo}/issues/{issue_number}/labels": ["post"],
  "/repos/{owner}/{repo}/issues/{issue_number}/comments": ["get", "post"],
  "/repos/{owner}/{repo}/pulls/{pull_number}/files": ["get"],
  "/repos/{owner}/{repo}/git/ref/{ref}": ["get"],
  "/repos/{owner}/{repo}/git/refs": ["post"],
  "/repos/{owner}/{repo}/git/commits": ["post"],
  "/repos/{owner}/{repo}/git/commits/{commit_sha}": ["get"],
  "/repos/{owner}/{repo}/git/trees": ["post"],
  "/repos/{owner}/{repo}/actions/permissions/workflow": ["get"],
};

const REF_PATH = "/repos/{owner}/{repo}/git/ref/{ref}";
const REF_VARIANTS = [["a"], ["a", "b"], ["a", "b", "c"]];

export function specSource() {
  const require = createRequire(join(here, "package.json"));
  return join(dirname(require.resolve("@octokit/openapi/package.json")), "generated", "api.github.com.json");
}

/** Every `#/components/...` reference reachable from `value`, followed transitively. */
function collectRefs(spec, value, seen) {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      stack.push(...v);
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (k === "$ref" && typeof child === "string") {
          if (!child.startsWith("#/components/")) throw new Error(`unexpected $ref ${child}`);
          if (seen.has(child)) continue;
          seen.add(child);
          const [, , section, name] = child.split("/");
          const target = spec.components?.[section]?.[name];
          if (target === undefined) throw new Error(`dangling $ref ${child}`);
          stack.push(target);
        } else {
          stack.push(child);
        }
      }
    }
  }
}

export function prepare(spec) {
  const paths = {};
  for (const [path, methods] of Object.entries(KEPT)) {
    const item = spec.paths[path];
    if (!item) throw new Error(`GitHub's description has no path ${path}`);
    const kept = {};
    if (item.parameters) kept.parameters = item.parameters;
    for (const m of methods) {
      if (!item[m]) throw new Error(`GitHub's description has no ${m.toUpperCase()} ${path}`);
      kept[m] = item[m];
    }
    paths[path] = kept;
  }

  // The multi-segment ref variants, cloned from GET .../git/ref/{ref}.
  const refOp = spec.paths[REF_PATH].get;
  const isRefParam = (p) => {
    const resolved = p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p;
    return resolved.in === "path" && resolved.name === "ref";
  };
  if (refOp.parameters.filter(isRefParam).length !== 1) {
    throw new Error(`GET ${REF_PATH} no longer has exactly one path parameter \`ref\``);
  }
  for (const names of REF_VARIANTS) {
    const path = `/repos/{owner}/{repo}/git/ref/heads/${names.map((n) => `{${n}}`).join("/")}`;
    const op = structuredClone(refOp);
    op.operationId = `${refOp.operationId}--heads-${names.length}`;
    op.parameters = [
      ...op.parameters.filter((p) => !isRefParam(p)),
      ...names.map((name) => ({
        name,
        in: "path",
        required: true,
        description: `Segment ${name} of the branch name after \`heads/\` (petrova-contract variant of \`ref\`).`,
        schema: { type: "string" },
      })),
    ];
    paths[path] = { get: op };
  }

  const seen = new Set();
  collectRefs(spec, paths, seen);
  const components = {};
  for (const ref of [...seen].sort()) {
    const [, , section, name] = ref.split("/");
    (components[section] ??= {})[name] = spec.components[section][name];
  }
  return {
    openapi: spec.openapi,
    info: { ...spec.info, title: `${spec.info.title} (petrova contract subset)` },
    servers: spec.servers,
    externalDocs: spec.externalDocs,
    paths,
    components,
  };
}

/** Reads the package's description, writes the subset, returns its path. */
export function prepareSpec(out = join(here, "out", "spec.json")) {
  const spec = JSON.parse(readFileSync(specSource(), "utf8"));
  const subset = prepare(spec);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(subset, null, 1) + "\n");
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = prepareSpec(process.argv[2]);
  const paths = Object.keys(JSON.parse(readFileSync(out, "utf8")).paths);
  console.log(`wrote ${out} (${paths.length} paths)`);
}
