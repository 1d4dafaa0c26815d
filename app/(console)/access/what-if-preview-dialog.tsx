"use client";

import { FlaskConical } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import type { ProposedChange } from "@/lib/entitlements/proposed-change";
import { WhatIfPreview } from "./what-if-preview";

/** A button that opens the what-if preview of one change; nothing is saved from here. */
export function WhatIfPreviewDialog({
  change,
  label,
  title,
  description,
}: {
  change: ProposedChange;
  label: string;
  title: string;
  description: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" className="h-7 px-2 text-xs">
          <FlaskConical aria-hidden /> {label}
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {/* Mounted only while open: the preview runs when someone asks for it. */}
        {open ? <WhatIfPreview change={change} /> : null}
      </DialogContent>
    </Dialog>
  );
}
