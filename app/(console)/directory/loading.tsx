import { TablePageSkeleton } from "@/components/console/table-page-skeleton";

export default function Loading() {
  return <TablePageSkeleton label="directory" columns={6} />;
}
