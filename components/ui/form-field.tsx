import {
  cloneElement,
  isValidElement,
  useEffect,
  useId,
  type ReactElement,
  type ReactNode,
  type RefObject,
} from "react";
import { cn } from "@/lib/utils/cn";
import { Label } from "./label";

type ControlProps = {
  id?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  required?: boolean;
};

export type FormFieldProps = {
  label: ReactNode;
  /** One Input, Textarea or Select; it receives id, aria-invalid and aria-describedby. */
  children: ReactElement<ControlProps>;
  description?: ReactNode;
  error?: string;
  required?: boolean;
  className?: string;
};

/** Label + control + help text + inline error, wired together for assistive technology. */
export function FormField({ label, children, description, error, required, className }: FormFieldProps) {
  const generatedId = useId();
  const controlId = (isValidElement(children) && children.props.id) || `field-${generatedId}`;
  const descriptionId = description ? `${controlId}-description` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [descriptionId, errorId].filter(Boolean).join(" ") || undefined;

  const control = cloneElement(children, {
    id: controlId,
    required: required ?? children.props.required,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
  });

  return (
    <div data-slot="form-field" className={cn("grid gap-2", className)} data-invalid={error ? "" : undefined}>
      <Label htmlFor={controlId} className={cn(error && "text-destructive")}>
        {label}
        {required ? (
          <span aria-hidden className="text-destructive">
            *
          </span>
        ) : null}
      </Label>
      {control}
      {description ? (
        <p id={descriptionId} data-slot="form-field-description" className="text-xs text-muted-foreground">
          {description}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} data-slot="form-field-error" className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * After a refused submit, moves focus to the first field marked invalid in
 * `container` (or, when no field is, to its alert), so a keyboard or screen
 * reader user lands on what to fix instead of on <body>. `error` is the
 * refusal; a new refusal moves focus again.
 */
export function useFocusFirstError(container: RefObject<HTMLElement | null>, error: unknown): void {
  useEffect(() => {
    if (!error || !container.current) return;
    const target =
      container.current.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      container.current.querySelector<HTMLElement>('[data-slot="form-error"]');
    target?.focus();
  }, [container, error]);
}
