"use client";

import { useQuery } from "@tanstack/react-query";
import { Bot, KeyRound, Loader2, Search, Server, User } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { SearchHit, SearchHitKind } from "@/lib/search/global-search";

const SEARCH_DELAY_MS = 250;
const KIND_LABEL: Record<SearchHitKind, string> = {
  agent: "Agents",
  server: "MCP servers",
  entitlement: "Entitlements",
  person: "People",
};
const KIND_ICON = { agent: Bot, server: Server, entitlement: KeyRound, person: User } as const;
const KINDS: SearchHitKind[] = ["agent", "server", "entitlement", "person"];

async function fetchHits(q: string, signal: AbortSignal): Promise<SearchHit[]> {
  const response = await fetch(`/api/v1/search?q=${encodeURIComponent(q)}`, {
    signal,
    headers: { accept: "application/json" },
  });
  if (!response.ok) throw new Error(`Search failed (${response.status})`);
  return ((await response.json()) as { hits: SearchHit[] }).hits;
}

/**
 * The top bar's search over agents, servers, entitlements and people (the
 * server limits each kind to what the signed-in person may view). The results
 * are plain links grouped by kind: ArrowDown moves from the box into them,
 * arrows walk them, Escape returns to the box.
 */
export function GlobalSearch() {
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const pathname = usePathname();

  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  // A followed result (a navigation) closes the panel.
  useEffect(() => setOpen(false), [pathname]);

  const {
    data: hits = [],
    isFetching,
    isError,
  } = useQuery({
    queryKey: ["global-search", query],
    queryFn: ({ signal }) => fetchHits(query, signal),
    enabled: query.length > 0,
    staleTime: 10_000,
  });

  const links = () => [...(rootRef.current?.querySelectorAll<HTMLAnchorElement>("[data-search-hit]") ?? [])];
  function move(event: KeyboardEvent, by: number) {
    const all = links();
    if (all.length === 0) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (at === -1) all[by > 0 ? 0 : all.length - 1]?.focus();
    else if (at + by < 0) inputRef.current?.focus();
    else all[Math.min(at + by, all.length - 1)]?.focus();
  }
  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "ArrowDown") move(event, 1);
    else if (event.key === "ArrowUp") move(event, -1);
    else if (event.key === "Escape") {
      setOpen(false);
      inputRef.current?.focus();
    }
  }

  const showPanel = open && query.length > 0 && text.trim().length > 0;
  return (
    <form
      ref={rootRef}
      role="search"
      className="relative w-full max-w-sm"
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        if (!rootRef.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
      onSubmit={(event) => {
        event.preventDefault();
        links()[0]?.click();
      }}
      data-testid="global-search"
    >
      <Search
        className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
        aria-hidden
      />
      <input
        ref={inputRef}
        type="search"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        placeholder="Search agents, servers, entitlements, people…"
        aria-label="Search agents, servers, entitlements and people"
        autoComplete="off"
        data-testid="global-search-input"
        className="flex h-9 w-full min-w-0 rounded-md border border-input bg-card py-1 pl-9 pr-9 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 [&::-webkit-search-cancel-button]:hidden"
      />
      {isFetching ? (
        <Loader2
          className="absolute right-3 top-1/2 size-4 -translate-y-1/2 animate-spin text-muted-foreground"
          aria-label="Searching"
        />
      ) : null}
      {showPanel ? (
        <div
          id={panelId}
          className="absolute left-0 right-0 top-full z-50 mt-1 max-h-[70vh] overflow-y-auto rounded-md border bg-popover p-1 text-popover-foreground shadow-md"
          data-testid="global-search-results"
        >
          {isError ? (
            <p className="px-2 py-3 text-sm text-destructive">Search failed; try again.</p>
          ) : hits.length === 0 ? (
            <p className="px-2 py-3 text-sm text-muted-foreground" aria-live="polite">
              {isFetching ? "Searching…" : `Nothing matches “${query}”.`}
            </p>
          ) : (
            KINDS.map((kind) => {
              const ofKind = hits.filter((h) => h.kind === kind);
              if (ofKind.length === 0) return null;
              const Icon = KIND_ICON[kind];
              return (
                <section key={kind} aria-label={KIND_LABEL[kind]}>
                  <p className="px-2 pb-1 pt-2 text-xs font-medium text-muted-foreground">{KIND_LABEL[kind]}</p>
                  <ul>
                    {ofKind.map((hit) => (
                      <li key={hit.id}>
                        <Link
                          href={hit.href}
                          data-search-hit=""
                          data-testid="global-search-hit"
                          onClick={() => setOpen(false)}
                          className="flex items-center gap-2 rounded-sm px-2 py-1.5 text-sm outline-none hover:bg-accent hover:text-accent-foreground focus-visible:bg-accent focus-visible:text-accent-foreground"
                        >
                          <Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                          <span className="grid min-w-0">
                            <span className="truncate">{hit.label}</span>
                            {hit.detail ? (
                              <span className="truncate text-xs text-muted-foreground">{hit.detail}</span>
                            ) : null}
                          </span>
                        </Link>
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })
          )}
        </div>
      ) : null}
    </form>
  );
}
