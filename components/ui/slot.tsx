import { Children, cloneElement, isValidElement, type HTMLAttributes, type ReactElement, type ReactNode } from "react";
import { cn } from "@/lib/utils/cn";

type SlotProps = HTMLAttributes<HTMLElement> & {
  children?: ReactNode;
  [dataAttribute: `data-${string}`]: string | undefined;
};

/**
 * Merges its props onto its only child, so `<Button asChild><Link/></Button>` renders one
 * accessible <a> with button styling (Radix's Slot, reduced to what the design system uses).
 */
export function Slot({ children, className, ...props }: SlotProps) {
  const child = Children.only(children);
  if (!isValidElement<HTMLAttributes<HTMLElement>>(child)) return null;
  const element = child as ReactElement<HTMLAttributes<HTMLElement>>;
  return cloneElement(element, { ...props, ...element.props, className: cn(className, element.props.className) });
}
