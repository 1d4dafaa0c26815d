"use client";

import { useEffect, useId, useState } from "react";
import { Input } from "@/components/ui/input";
import type { PrincipalType } from "@/lib/assignments/assignment-schemas";
import type { PrincipalOption } from "@/lib/assignments/search-principals";
import { searchPrincipalsAction } from "./actions";

const SEARCH_DELAY_MS = 250;

/** Search-as-you-type over agents, people or groups; the choice is a radio group so it works by keyboard and for screen readers. */
export function PrincipalPicker({
  type,
  value,
  onChange,
  error,
}: {
  type: PrincipalType;
  value: string;
  onChange: (id: string) => void;
  error?: string;
}) {
  const [q, setQ] = useState("");
  const [options, setOptions] = useState<PrincipalOption[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    let current = true;
    const timer = setTimeout(async () => {
      const result = await searchPrincipalsAction({ type, q });
      if (!current) return;
      if (result.ok) {
        setOptions(result.data);
        setFailure(null);
      } else setFailure(result.error.message);
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [type, q]);

  return (
    <div className="grid gap-2">
      <label htmlFor={id} className="text-sm font-medium">
        Search {type === "agent" ? "agents" : type === "user" ? "people" : "groups"}
      </label>
      <Input
        id={id}
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Name, email or client ID…"
        autoComplete="off"
      />
      <div
        role="radiogroup"
        aria-label="Principal"
        aria-invalid={error ? true : undefined}
        className="grid max-h-48 gap-0.5 overflow-y-auto rounded-md border p-1"
      >
        {options.length === 0 ? (
          <p className="px-2 py-1.5 text-sm text-muted-foreground">{failure ?? "No matches"}</p>
        ) : null}
        {options.map((o) => (
          <label
            key={o.id}
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-muted has-checked:bg-muted"
          >
            <input
              type="radio"
              name={`${id}-principal`}
              value={o.id}
              checked={value === o.id}
              onChange={() => onChange(o.id)}
            />
            <span className="font-medium">{o.label}</span>
            {o.detail ? <span className="truncate text-xs text-muted-foreground">{o.detail}</span> : null}
          </label>
        ))}
      </div>
      {error ? <p className="text-xs font-medium text-destructive">{error}</p> : null}
    </div>
  );
}
