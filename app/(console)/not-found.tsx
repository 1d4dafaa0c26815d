import { Compass } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <EmptyState
      icon={Compass}
      title="Page not found"
      description="There is nothing at this address. It may have moved, or the link may be mistyped."
      action={
        <Button asChild>
          <Link href="/">Go to the overview</Link>
        </Button>
      }
    />
  );
}
