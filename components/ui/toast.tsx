"use client";

import { Toaster as SonnerToaster, toast, type ToasterProps } from "sonner";

export { toast };

/** The app's one toast outlet, styled with the design tokens. */
export function Toaster(props: ToasterProps) {
  return (
    <SonnerToaster
      position="bottom-right"
      closeButton
      toastOptions={{
        classNames: {
          toast: "!rounded-lg !border !border-border !bg-popover !text-popover-foreground !shadow-lg",
          description: "!text-muted-foreground",
        },
      }}
      {...props}
    />
  );
}
