// Builds one schema per provider from prisma/models.prisma and generates a
// Prisma client for each. Runs at `npm install` (postinstall) and on demand.
//
// Prisma's CLI tries to download its native schema engine before every
// command, even `generate`, which needs none; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at an empty, non-executable file stops that
// (pointing it at /bin/false would make `migrate diff` succeed silently with
// no output). Migrations never use the CLI: they
// run on the wasm schema engine (lib/db/migrations/engine.ts).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const PROVIDERS = ["sqlite", "postgresql"];

export function schemaFor(provider) {
  const models = readFileSync(join(root, "prisma/models.prisma"), "utf8");
  const header = `// GENERATED from prisma/models.prisma by scripts/db/generate.mjs — do not edit.

generator client {
  provider     = "prisma-client"
  output       = "../../lib/db/generated/${provider}"
  moduleFormat = "esm"
  runtime      = "nodejs"
}

datasource db {
  provider = "${provider}"
}

`;
  return header + models;
}

export function writeSchemas() {
  for (const provider of PROVIDERS) {
    const dir = join(root, "prisma", provider);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "schema.prisma");
    const next = schemaFor(provider);
    if (!existsSync(file) || readFileSync(file, "utf8") !== next) writeFileSync(file, next);
  }
}

function offlineEngineStub() {
  const stub = join(root, "node_modules/.cache/mandate/no-schema-engine");
  mkdirSync(dirname(stub), { recursive: true });
  writeFileSync(stub, "");
  chmodSync(stub, 0o644);
  return stub;
}

function generate() {
  writeSchemas();
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: offlineEngineStub(),
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  };
  const prismaBin = join(root, "node_modules/prisma/build/index.js");
  for (const provider of PROVIDERS) {
    execFileSync(
      process.execPath,
      [prismaBin, "generate", "--schema", join(root, "prisma", provider, "schema.prisma")],
      {
        cwd: root,
        env,
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
  }
  console.log(`mandate: generated Prisma clients for ${PROVIDERS.join(" and ")}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) generate();
