// The production server's build step (`npm run build`, after `next build`): compiles
// scripts/server.ts, with the app code it imports (`@/…`), into .next/parley-server.mjs, so
// `npm start` needs production dependencies only (tsx is a devDependency). Packages stay
// external: at run time they are the node_modules copies Next's server loads too. `server-only`
// (a guard that throws outside React's server build) is empty here: all of this is server code.
import { build } from "esbuild";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const serverOnlyIsEmpty = {
  name: "server-only-is-empty",
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ["scripts/server.ts"],
  outfile: ".next/parley-server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  tsconfig: "tsconfig.json",
  plugins: [serverOnlyIsEmpty],
  sourcemap: "linked",
  logLevel: "warning",
});
console.log("[build] .next/parley-server.mjs (scripts/server.ts)");
