import { z } from "zod";
import { redirectUriProblem } from "./redirect-uris";

/** The grant types and auth methods an interactive client may register for: nothing else is served to it. */
export const INTERACTIVE_GRANT_TYPES = ["authorization_code", "refresh_token"] as const;

/**
 * RFC 7591 §2 client metadata as Mandate accepts it for an interactive client
 * (from a Client ID Metadata Document or a registration request). Unknown
 * members are ignored (§2: "MUST ignore any client metadata it does not
 * understand"); the ones below are checked.
 */
export const interactiveClientMetadataSchema = z.object({
  redirect_uris: z
    .array(z.string())
    .min(1, "redirect_uris: at least one is required")
    .max(20, "redirect_uris: at most 20")
    .superRefine((uris, ctx) => {
      for (const uri of uris) {
        const problem = redirectUriProblem(uri);
        if (problem) ctx.addIssue({ code: "custom", message: `redirect_uris: ${uri.slice(0, 100)} ${problem}` });
      }
    }),
  client_name: z.string().trim().min(1).max(120).optional(),
  client_uri: z
    .url({ protocol: /^https$/ })
    .max(500)
    .optional(),
  logo_uri: z
    .url({ protocol: /^https$/ })
    .max(500)
    .optional(),
  grant_types: z
    .array(z.string())
    .default(["authorization_code"])
    .refine(
      (g) => g.every((t) => (INTERACTIVE_GRANT_TYPES as readonly string[]).includes(t)),
      "grant_types: only authorization_code and refresh_token",
    )
    .refine((g) => g.includes("authorization_code"), "grant_types: authorization_code is required"),
  response_types: z
    .array(z.string())
    .default(["code"])
    .refine((r) => r.every((t) => t === "code"), "response_types: only code"),
  token_endpoint_auth_method: z.string().default("none"),
  scope: z.string().max(2000).optional(),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(100).optional(),
});
export type InteractiveClientMetadata = z.output<typeof interactiveClientMetadataSchema>;

/** The first problem zod found, as one sentence for an error_description. */
export function metadataProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid client metadata";
  const path = issue.path.join(".");
  return issue.message.includes(":") || !path ? issue.message : `${path}: ${issue.message}`;
}

/** What the console and the consent screen show of a client's metadata. */
export function publicMetadata(m: InteractiveClientMetadata): Record<string, unknown> {
  return {
    client_name: m.client_name ?? null,
    client_uri: m.client_uri ?? null,
    logo_uri: m.logo_uri ?? null,
    software_id: m.software_id ?? null,
    software_version: m.software_version ?? null,
    redirect_uris: m.redirect_uris,
  };
}
