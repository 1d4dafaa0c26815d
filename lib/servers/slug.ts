/**
 * The URL-safe name of a server, used in its gateway path (/mcp/<slug>) and
 * in the default scopes of its tools. Derived once, at registration: renaming
 * a server later must not move its gateway path or change granted scopes.
 */
export function slugOf(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}
