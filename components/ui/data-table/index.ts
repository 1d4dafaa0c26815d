export { DataTable, type DataTableProps } from "./data-table";
export { DataTableColumnHeader } from "./data-table-column-header";
export { DataTableToolbar } from "./data-table-toolbar";
export { DataTableServerPagination, DataTableClientPagination, type ServerPagination } from "./data-table-pagination";
export { countText, positionText } from "./position-text";
