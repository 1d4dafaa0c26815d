import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * Every console page, discovered from the file tree (app/(console)/…/page.tsx),
 * so a page added later is visited by the layout suite without anyone
 * remembering to list it. Dynamic segments stay as `[id]` for the spec to fill.
 */
const CONSOLE = join(process.cwd(), "app", "(console)");

function pageFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? pageFiles(join(dir, e.name)) : e.name === "page.tsx" ? [join(dir, e.name)] : [],
  );
}

/** app/(console)/servers/[id]/edit/page.tsx → /servers/[id]/edit */
export function consoleRoutes(): string[] {
  return pageFiles(CONSOLE)
    .map((file) => {
      const segments = relative(CONSOLE, file)
        .split(sep)
        .slice(0, -1)
        .filter((s) => !/^\(.*\)$/.test(s));
      return `/${segments.join("/")}`;
    })
    .sort();
}
