/** A person as pickers show them: found by name, told apart by email. */
export interface PersonOption {
  id: string;
  displayName: string;
  email: string;
}

/** People as combobox options: the name to search and read, the email as secondary text. */
export function personOptions(
  people: readonly PersonOption[],
): { value: string; label: string; description: string }[] {
  return people.map((p) => ({ value: p.id, label: p.displayName, description: p.email }));
}

/** A person's page in the console: their effective access (what they and agents acting for them reach). */
export const personHref = (id: string): string => `/access?user=${encodeURIComponent(id)}`;
