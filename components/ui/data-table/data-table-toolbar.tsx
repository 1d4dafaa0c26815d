"use client";

import { Loader2, Search, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition, type ReactNode } from "react";
import { Input } from "@/components/ui/input";
import { useSearchParamHref } from "./use-search-param-href";

const SEARCH_DELAY_MS = 300;

export type DataTableToolbarProps = {
  /** Server mode: the `?q=` the page was rendered with. Client mode: the current filter text. */
  value: string;
  /** Client mode only: filters the loaded rows instead of navigating. */
  onValueChange?: (value: string) => void;
  placeholder: string;
  /** Extra controls (faceted filters, actions) to the right of the search box. */
  children?: ReactNode;
};

/**
 * The search box over a table. With a server-paged table it sets `?q=` (after a short
 * pause in typing, or at once on Enter) and drops the cursor, since a cursor from the
 * old result set means nothing in the new one.
 */
export function DataTableToolbar({ value, onValueChange, placeholder, children }: DataTableToolbarProps) {
  const router = useRouter();
  const hrefWith = useSearchParamHref();
  const [text, setText] = useState(value);
  const [pending, startTransition] = useTransition();
  const lastSubmitted = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Follow outside changes of `?q=` (back button, a "clear search" link) without
  // clobbering what the person is typing when the change is our own navigation.
  useEffect(() => {
    if (value !== lastSubmitted.current) {
      lastSubmitted.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => () => clearTimeout(timer.current), []);

  function submit(next: string) {
    clearTimeout(timer.current);
    const trimmed = next.trim();
    if (trimmed === lastSubmitted.current) return;
    lastSubmitted.current = trimmed;
    startTransition(() => {
      router.replace(hrefWith({ q: trimmed || null, cursor: null, before: null }), { scroll: false });
    });
  }

  function handleChange(next: string) {
    setText(next);
    if (onValueChange) {
      onValueChange(next);
      return;
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(() => submit(next), SEARCH_DELAY_MS);
  }

  return (
    <div data-slot="data-table-toolbar" className="flex flex-wrap items-center gap-2">
      <form
        role="search"
        className="relative w-full max-w-sm"
        onSubmit={(event) => {
          event.preventDefault();
          if (!onValueChange) submit(text);
        }}
      >
        <Search
          className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden
        />
        <Input
          type="search"
          name="q"
          value={text}
          onChange={(event) => handleChange(event.target.value)}
          placeholder={placeholder}
          aria-label={placeholder}
          data-testid="table-search"
          className="pl-9 pr-9 [&::-webkit-search-cancel-button]:hidden"
        />
        {pending ? (
          <Loader2
            className="absolute right-3 top-1/2 size-4 -translate-y-1/2 animate-spin text-muted-foreground"
            aria-label="Searching"
          />
        ) : text ? (
          <button
            type="button"
            onClick={() => {
              setText("");
              if (onValueChange) onValueChange("");
              else submit("");
            }}
            className="absolute right-2 top-1/2 flex size-6 -translate-y-1/2 items-center justify-center rounded-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            <X className="size-3.5" aria-hidden />
            <span className="sr-only">Clear search</span>
          </button>
        ) : null}
      </form>
      {children}
    </div>
  );
}
