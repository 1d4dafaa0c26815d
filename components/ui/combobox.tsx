"use client";

import { Check, ChevronsUpDown, X } from "lucide-react";
import { type KeyboardEvent, useMemo, useState, type ReactNode } from "react";
import { cn } from "@/lib/utils/cn";
import { Command, CommandEmpty, CommandInput, CommandItem, CommandList } from "./command";
import { Popover, PopoverContent, PopoverTrigger } from "./popover";

export type ComboboxOption = {
  value: string;
  /** What people look for: a person's name, an agent's name. */
  label: string;
  /** Secondary text shown under the label and searched too (a person's email). */
  description?: string;
};

/** Rows rendered at once: a directory of thousands stays fast; typing narrows it. */
const MAX_VISIBLE = 50;

type SharedProps = {
  options: ComboboxOption[];
  /** Form field name: the chosen value(s) travel in hidden inputs, as a native select's would. */
  name?: string;
  id?: string;
  placeholder?: string;
  searchPlaceholder?: string;
  emptyText?: string;
  disabled?: boolean;
  required?: boolean;
  className?: string;
  /** What is being chosen ("Agents"), for the list and the chips; a `<label for>` or `aria-label` names the trigger. */
  label?: string;
  "aria-label"?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  "data-testid"?: string;
};

function matches(option: ComboboxOption, words: string[]): boolean {
  const haystack = `${option.label} ${option.description ?? ""}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

function useFiltered(options: ComboboxOption[], search: string) {
  return useMemo(() => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    const all = words.length ? options.filter((o) => matches(o, words)) : options;
    return { shown: all.slice(0, MAX_VISIBLE), hidden: Math.max(all.length - MAX_VISIBLE, 0) };
  }, [options, search]);
}

/** Like a native select, ArrowDown on the closed trigger opens the list (Enter and Space do, as on any button). */
function openOnArrowDown(open: boolean, setOpen: (open: boolean) => void) {
  return (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === "ArrowDown" && !open) {
      event.preventDefault();
      setOpen(true);
    }
  };
}

const triggerClass =
  "flex h-9 w-full min-w-0 items-center justify-between gap-2 rounded-md border border-input bg-card px-3 py-1 text-left text-sm shadow-xs transition-[color,box-shadow] outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive aria-invalid:ring-destructive/20";

function OptionList({
  label,
  options,
  searchPlaceholder,
  emptyText,
  isChosen,
  onPick,
  leading,
}: {
  label: string;
  options: ComboboxOption[];
  searchPlaceholder: string;
  emptyText: string;
  isChosen: (value: string) => boolean;
  onPick: (value: string) => void;
  leading?: ReactNode;
}) {
  const [search, setSearch] = useState("");
  const { shown, hidden } = useFiltered(options, search);
  return (
    // Filtering is ours (substring over label and description, capped), not cmdk's fuzzy scoring of every row.
    <Command shouldFilter={false} label={label} loop>
      <CommandInput
        value={search}
        onValueChange={setSearch}
        placeholder={searchPlaceholder}
        aria-label={searchPlaceholder}
      />
      <CommandList aria-label={label}>
        <CommandEmpty>{emptyText}</CommandEmpty>
        {leading}
        {shown.map((option) => {
          const chosen = isChosen(option.value);
          return (
            <CommandItem
              key={option.value}
              value={option.value}
              onSelect={() => onPick(option.value)}
              aria-checked={chosen}
              data-checked={chosen}
            >
              <Check className={cn("size-4", chosen ? "opacity-100" : "opacity-0")} aria-hidden />
              <span className="grid min-w-0">
                <span className="truncate">{option.label}</span>
                {option.description ? (
                  <span className="truncate text-xs text-muted-foreground">{option.description}</span>
                ) : null}
              </span>
            </CommandItem>
          );
        })}
        {hidden > 0 ? (
          <p className="px-2 py-1.5 text-xs text-muted-foreground" aria-live="polite">
            {hidden.toLocaleString("en-US")} more: keep typing to narrow
          </p>
        ) : null}
      </CommandList>
    </Command>
  );
}

export type ComboboxProps = SharedProps & {
  value?: string;
  defaultValue?: string;
  onValueChange?: (value: string) => void;
  /** Offers an entry that clears the choice ("Any", "None"); without it a choice can only be replaced. */
  noneLabel?: string;
};

/**
 * A searchable single choice (shadcn's Combobox: a Popover holding a cmdk
 * Command). Replaces native selects whose lists run to hundreds of people.
 * The trigger is a button with role combobox, so a `<label for>` (FormField)
 * names it; the value is submitted through a hidden input named `name`.
 */
export function Combobox({
  options,
  value: controlled,
  defaultValue = "",
  onValueChange,
  noneLabel,
  name,
  id,
  placeholder = "Choose…",
  searchPlaceholder = "Search…",
  emptyText = "No matches.",
  disabled,
  required,
  className,
  label,
  "aria-label": ariaLabel,
  "aria-invalid": ariaInvalid,
  "aria-describedby": ariaDescribedBy,
  "data-testid": testId,
}: ComboboxProps) {
  const [open, setOpen] = useState(false);
  const [uncontrolled, setUncontrolled] = useState(defaultValue);
  const value = controlled ?? uncontrolled;
  const chosen = options.find((o) => o.value === value);

  function choose(next: string) {
    if (controlled === undefined) setUncontrolled(next);
    onValueChange?.(next);
    setOpen(false);
  }

  return (
    <Popover open={open} onOpenChange={setOpen}>
      {name ? <input type="hidden" name={name} value={value} /> : null}
      <PopoverTrigger asChild>
        <button
          type="button"
          id={id}
          role="combobox"
          aria-expanded={open}
          onKeyDown={openOnArrowDown(open, setOpen)}
          aria-label={ariaLabel}
          aria-invalid={ariaInvalid}
          aria-describedby={ariaDescribedBy}
          aria-required={required}
          disabled={disabled}
          data-slot="combobox"
          data-testid={testId}
          data-value={value}
          className={cn(triggerClass, className)}
        >
          <span className={cn("truncate", !chosen && "text-muted-foreground")}>
            {chosen ? (
              <>
                {chosen.label}
                {chosen.description ? <span className="text-muted-foreground"> · {chosen.description}</span> : null}
              </>
            ) : value === "" && noneLabel ? (
              noneLabel
            ) : (
              placeholder
            )}
          </span>
          <ChevronsUpDown className="size-4 shrink-0 opacity-50" aria-hidden />
        </button>
      </PopoverTrigger>
      <PopoverContent
        className="w-[var(--radix-popover-trigger-width)] min-w-72"
        aria-label={label ?? ariaLabel ?? searchPlaceholder}
      >
        <OptionList
          label={label ?? ariaLabel ?? searchPlaceholder}
          options={options}
          searchPlaceholder={searchPlaceholder}
          emptyText={emptyText}
          isChosen={(v) => v === value}
          onPick={choose}
          leading={
            noneLabel ? (
              <CommandItem value="" onSelect={() => choose("")} aria-checked={value === ""} data-checked={value === ""}>
                <Check className={cn("size-4", value === "" ? "opacity-100" : "opacity-0")} aria-hidden />
                <span className="text-muted-foreground">{noneLabel}</span>
              </CommandItem>
            ) : null
          }
        />
      </PopoverContent>
    </Popover>
  );
}

export type MultiComboboxProps = SharedProps & {
  values?: string[];
  defaultValues?: string[];
  onValuesChange?: (values: string[]) => void;
};

/**
 * A searchable multiple choice: picking toggles an option and keeps the list
 * open; the choices show as removable chips below. Replaces ctrl-click
 * multi-selects. Each chosen value is submitted as a hidden input named `name`.
 */
export function MultiCombobox({
  options,
  values: controlled,
  defaultValues = [],
  onValuesChange,
  name,
  id,
  placeholder = "Any",
  searchPlaceholder = "Search…",
  emptyText = "No matches.",
  disabled,
  required,
  className,
  label,
  "aria-label": ariaLabel,
  "aria-invalid": ariaInvalid,
  "aria-describedby": ariaDescribedBy,
  "data-testid": testId,
}: MultiComboboxProps) {
  const [open, setOpen] = useState(false);
  const [uncontrolled, setUncontrolled] = useState(defaultValues);
  const values = controlled ?? uncontrolled;
  const byValue = useMemo(() => new Map(options.map((o) => [o.value, o])), [options]);
  const chosen = values.map((v) => byValue.get(v)).filter((o): o is ComboboxOption => o !== undefined);

  function update(next: string[]) {
    if (controlled === undefined) setUncontrolled(next);
    onValuesChange?.(next);
  }
  const toggle = (value: string) =>
    update(values.includes(value) ? values.filter((v) => v !== value) : [...values, value]);

  return (
    <div data-slot="multi-combobox" className={cn("grid gap-2", className)} data-testid={testId}>
      {name ? values.map((v) => <input key={v} type="hidden" name={name} value={v} />) : null}
      <Popover open={open} onOpenChange={setOpen}>
        <PopoverTrigger asChild>
          <button
            type="button"
            id={id}
            role="combobox"
            aria-expanded={open}
            onKeyDown={openOnArrowDown(open, setOpen)}
            aria-label={ariaLabel}
            aria-invalid={ariaInvalid}
            aria-describedby={ariaDescribedBy}
            aria-required={required}
            disabled={disabled}
            data-slot="combobox"
            className={triggerClass}
          >
            <span className={cn("truncate", chosen.length === 0 && "text-muted-foreground")}>
              {chosen.length === 0 ? placeholder : `${chosen.length} selected`}
            </span>
            <ChevronsUpDown className="size-4 shrink-0 opacity-50" aria-hidden />
          </button>
        </PopoverTrigger>
        <PopoverContent
          className="w-[var(--radix-popover-trigger-width)] min-w-72"
          aria-label={label ?? ariaLabel ?? searchPlaceholder}
        >
          <OptionList
            label={label ?? ariaLabel ?? searchPlaceholder}
            options={options}
            searchPlaceholder={searchPlaceholder}
            emptyText={emptyText}
            isChosen={(v) => values.includes(v)}
            onPick={toggle}
          />
        </PopoverContent>
      </Popover>
      {chosen.length ? (
        <ul
          className="flex flex-wrap gap-1.5"
          aria-label={label || ariaLabel ? `${label ?? ariaLabel}: chosen` : "Chosen"}
        >
          {chosen.map((option) => (
            <li
              key={option.value}
              className="inline-flex max-w-full items-center gap-1 rounded-md border bg-muted px-2 py-0.5 text-xs"
              data-testid="combobox-chip"
            >
              <span className="truncate" title={option.description}>
                {option.label}
              </span>
              <button
                type="button"
                onClick={() => toggle(option.value)}
                disabled={disabled}
                aria-label={`Remove ${option.label}`}
                className="rounded-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                <X className="size-3" aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
