// `npm start`: the one command that runs Mandate. Builds the console when the
// sources are newer than the last build, brings the database up to date,
// loads the demo enterprise into an empty embedded database, then serves.
//   npm start            production server on http://localhost:3000
//   npm run dev          same, with Next's dev server (hot reload)
// Environment: PORT, DATABASE_URL (postgres://… for PostgreSQL), MANDATE_DEMO_DATA=false.
import { spawnSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const tsx = join(root, "node_modules/.bin/tsx");

if (!dev) {
  const buildId = join(root, ".next/BUILD_ID");
  const sources = Math.max(
    ...["app", "components", "lib", "public"].map((d) => newestMtime(join(root, d))),
    ...["next.config.js", "package.json", "postcss.config.mjs"].map((f) =>
      existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0,
    ),
  );
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < sources) {
    console.log("mandate: building the console (first start or sources changed)…");
    run(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"]);
  }
}

const url = env.DATABASE_URL ?? "";
const embedded = !/^postgres(ql)?:\/\//i.test(url);
if (embedded && env.MANDATE_DEMO_DATA !== "false") {
  run(tsx, [join(root, "scripts/seed/main.ts"), "--if-empty"]);
}

// The server is node itself with tsx's loader (not tsx's CLI, a second wrapper process). A process manager's SIGTERM
// (or Ctrl-C's SIGINT) reaches this process — npm runs it with `exec`, so npm forwards signals straight to it — and is
// passed on; this process exits with the server's code once the server has drained and stopped (server/shutdown.ts).
const server = spawn(process.execPath, ["--import", "tsx", join(root, "server/main.ts"), ...(dev ? ["--dev"] : [])], {
  cwd: root,
  stdio: "inherit",
  env: { ...env, NODE_ENV: dev ? "development" : "production" },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
