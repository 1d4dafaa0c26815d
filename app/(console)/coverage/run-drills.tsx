"use client";

import { Siren } from "lucide-react";
import { useConsoleAction } from "@/components/console/use-console-action";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { runDrillsAction } from "./actions";

/** Runs drills on the given servers (or all) and reports how they went. */
export function RunDrillsButton({
  serverIds,
  label,
  testId,
  variant = "outline",
}: {
  serverIds: string[] | "all";
  label: string;
  testId: string;
  variant?: "outline" | "default";
}) {
  const drill = useConsoleAction(runDrillsAction, {
    toastErrors: true,
    onSuccess: (data) => {
      const failed = data.filter((r) => r.outcome === "failed");
      if (failed.length === 0) toast.success(`${data.length} drill${data.length === 1 ? "" : "s"} passed`);
      else
        toast.error(
          `${failed.length} of ${data.length} drill${data.length === 1 ? "" : "s"} failed: ${failed.map((f) => f.serverName).join(", ")}`,
        );
    },
  });
  return (
    <Button
      variant={variant}
      size="sm"
      data-testid={testId}
      disabled={drill.pending || (Array.isArray(serverIds) && serverIds.length === 0)}
      onClick={() => void drill.run({ serverIds })}
    >
      <Siren className="size-3.5" aria-hidden /> {drill.pending ? "Drilling…" : label}
    </Button>
  );
}
