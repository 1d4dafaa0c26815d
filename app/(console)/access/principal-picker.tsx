import { Search, X } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";

export type PickerChoice = { id: string; label: string; detail: string };

/** The access view's state lives in its URL: ?agent=&user= choose, ?agentQ=&userQ= search. */
export type AccessParams = { agent?: string; user?: string; agentQ?: string; userQ?: string };

export function accessHref(params: AccessParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `/access?${s}` : "/access";
}

/**
 * A search picker that works without JavaScript: a GET form searches, the
 * matches are links that set the choice in the URL. The other picker's
 * choice travels along in hidden fields.
 */
export function PrincipalPicker({
  title,
  param,
  searchParam,
  placeholder,
  selected,
  query,
  results,
  current,
}: {
  title: string;
  param: "agent" | "user";
  searchParam: "agentQ" | "userQ";
  placeholder: string;
  selected: PickerChoice | null;
  query: string;
  results: PickerChoice[];
  current: AccessParams;
}) {
  const keep = Object.entries(current).filter(([k, v]) => v && k !== param && k !== searchParam) as [string, string][];
  return (
    <Card data-testid={`picker-${param}`} className="gap-3">
      <CardHeader>
        <CardTitle className="text-sm">{title}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3">
        {selected ? (
          <div className="flex items-center justify-between gap-2 rounded-md border bg-muted/40 px-3 py-2">
            <div className="grid">
              <span className="font-medium" data-testid={`picked-${param}`}>
                {selected.label}
              </span>
              <span className="text-xs text-muted-foreground">{selected.detail}</span>
            </div>
            <Button variant="ghost" size="sm" asChild>
              <Link href={accessHref({ ...current, [param]: undefined })} aria-label={`Clear ${title.toLowerCase()}`}>
                <X aria-hidden /> Clear
              </Link>
            </Button>
          </div>
        ) : (
          <>
            <form action="/access" method="get" role="search" className="flex gap-2">
              {keep.map(([k, v]) => (
                <input key={k} type="hidden" name={k} value={v} />
              ))}
              <Input
                name={searchParam}
                defaultValue={query}
                placeholder={placeholder}
                aria-label={`Search ${title.toLowerCase()}`}
              />
              <Button type="submit" variant="outline">
                <Search aria-hidden /> Search
              </Button>
            </form>
            {query ? (
              results.length ? (
                <ul className="grid gap-1" aria-label={`${title} matches`}>
                  {results.map((r) => (
                    <li key={r.id}>
                      <Link
                        href={accessHref({ ...current, [param]: r.id, [searchParam]: undefined })}
                        className="flex flex-col rounded-md px-2 py-1.5 outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50"
                      >
                        <span className="font-medium">{r.label}</span>
                        <span className="text-xs text-muted-foreground">{r.detail}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-muted-foreground">No match for “{query}”.</p>
              )
            ) : null}
          </>
        )}
      </CardContent>
    </Card>
  );
}
