import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaContainer } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { openConnection, type ConnectionTarget } from "./adapters";
import { loadSchemaEngine, type SchemaEngine } from "./wasm";

export type { SchemaEngine };
export type { ConnectionTarget };

/**
 * Runs `fn` with a wasm schema engine connected to `target`, then frees the
 * engine and disposes every connection it opened (it disposes none itself).
 * `schema` is the provider's Prisma schema: it tells the engine which
 * connector to use, and is the target of diffs.
 */
export async function withEngine<T>(
  target: ConnectionTarget,
  schema: SchemaContainer,
  fn: (engine: SchemaEngine) => Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  const SchemaEngine = await loadSchemaEngine();
  const connection = openConnection(target);
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      (line: string) => log?.(line),
      bindMigrationAwareSqlAdapterFactory(connection.factory),
    ).catch(rethrow);
    return await fn(engine).catch(rethrow);
  } finally {
    engine?.free();
    await connection.close();
  }
}

/** Engine failures arrive as plain objects ({ message, error_code, … }); make them Errors. */
export class SchemaEngineError extends Error {
  override name = "SchemaEngineError";
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function rethrow(e: unknown): never {
  if (e instanceof Error) throw e;
  if (typeof e === "object" && e !== null) {
    const { message, error_code: code } = e as { message?: unknown; error_code?: unknown };
    throw new SchemaEngineError(
      typeof message === "string" ? message : JSON.stringify(e),
      typeof code === "string" ? code : undefined,
    );
  }
  throw new SchemaEngineError(String(e));
}
