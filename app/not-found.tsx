import { Compass } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

/** Addresses outside every route: shown without the console frame, which belongs to real pages. */
export default function NotFound() {
  return (
    <main className="flex min-h-dvh items-center justify-center p-6">
      <EmptyState
        className="w-full max-w-lg"
        icon={Compass}
        title="Page not found"
        description="There is nothing at this address. It may have moved, or the link may be mistyped."
        action={
          <Button asChild>
            <Link href="/">Go to the overview</Link>
          </Button>
        }
      />
    </main>
  );
}
