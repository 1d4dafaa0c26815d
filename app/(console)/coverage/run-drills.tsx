"use client";

import { Siren } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { runDrillsAction } from "./actions";

/** Runs drills on the given servers (or all) and reports how they went. */
export function RunDrillsButton({ serverIds, label, testId, variant = "outline" }: { serverIds: string[] | "all"; label: string; testId: string; variant?: "outline" | "default" }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <Button
      variant={variant}
      size="sm"
      data-testid={testId}
      disabled={pending || (Array.isArray(serverIds) && serverIds.length === 0)}
      onClick={() =>
        start(async () => {
          const result = await runDrillsAction({ serverIds });
          if (!result.ok) {
            toast.error(result.error.message);
            return;
          }
          const failed = result.data.filter((r) => r.outcome === "failed");
          if (failed.length === 0) toast.success(`${result.data.length} drill${result.data.length === 1 ? "" : "s"} passed`);
          else toast.error(`${failed.length} of ${result.data.length} drill${result.data.length === 1 ? "" : "s"} failed: ${failed.map((f) => f.serverName).join(", ")}`);
          router.refresh();
        })
      }
    >
      <Siren className="size-3.5" aria-hidden /> {pending ? "Drilling…" : label}
    </Button>
  );
}
