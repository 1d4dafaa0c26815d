/** A streamed CSV download: a dated file name, never cached (it holds who may do what). */
export function csvDownload(body: ReadableStream<Uint8Array>, name: string, now = new Date()): Response {
  const file = `${name}-${now.toISOString().slice(0, 10)}.csv`;
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${file}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
