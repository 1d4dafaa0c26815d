import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";

export type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

/**
 * The schema engine ships as an ES module that `import`s its .wasm file, which
 * Node cannot load. So we instantiate the binary ourselves with the package's
 * wasm-bindgen glue as the import object, once per process (the glue keeps the
 * instance in module state, so a second instantiation would orphan engines).
 */
let ready: Promise<typeof glue.SchemaEngine> | undefined;

export function loadSchemaEngine(): Promise<typeof glue.SchemaEngine> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = join(
      dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start;
    if (typeof start !== "function") throw new Error("@prisma/schema-engine-wasm: __wbindgen_start missing");
    start();
    return glue.SchemaEngine;
  })();
  return ready;
}
