/**
 * Rewrites the JSON `data` of each event of a complete text/event-stream
 * body (WHATWG HTML §9.2), keeping every other field and event as it was.
 */
export function transformSseBody(text: string, transform: (message: unknown) => unknown): string {
  const events = text.split(/\r?\n\r?\n/);
  return events
    .map((event) => {
      const lines = event.split(/\r?\n/);
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(l.startsWith("data: ") ? 6 : 5));
      if (data.length === 0) return event;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.join("\n"));
      } catch {
        return event;
      }
      const others = lines.filter((l) => !l.startsWith("data:"));
      return [...others, `data: ${JSON.stringify(transform(parsed))}`].join("\n");
    })
    .join("\n\n");
}
