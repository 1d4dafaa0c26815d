import { ShieldCheck } from "lucide-react";
import Link from "next/link";

export function ProductMark() {
  return (
    <Link
      href="/"
      className="flex items-center gap-2 rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground shadow-xs">
        <ShieldCheck className="size-4" aria-hidden />
      </span>
      <span className="text-[15px] font-semibold tracking-tight">Mandate</span>
    </Link>
  );
}
