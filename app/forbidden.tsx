import { ShieldX } from "lucide-react";
import { Button } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <main className="grid min-h-dvh place-items-center px-4">
      <div className="max-w-md text-center" data-testid="forbidden">
        <ShieldX className="mx-auto size-10 text-muted-foreground" aria-hidden />
        <h1 className="mt-4 text-xl font-semibold">You do not have access to this page</h1>
        <p className="mt-2 text-sm text-muted-foreground">
          Your console role does not include it. Ask a Mandate admin if you need it.
        </p>
        <Button asChild variant="outline" className="mt-6">
          {/* A full load: when the console layout itself refused (a 403 on first
              load), the client router has no console frame to navigate within. */}
          <a href="/">Back to the overview</a>
        </Button>
      </div>
    </main>
  );
}
