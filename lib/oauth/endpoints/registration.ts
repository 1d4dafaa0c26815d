import { randomBytes } from "node:crypto";
import { generateClientSecret } from "@/lib/agents/client-secret";
import { interactiveClientMetadataSchema, metadataProblem } from "@/lib/interactive/client-metadata";
import { registerInteractiveClient } from "@/lib/interactive/register-interactive-client";
import { registrationPolicy } from "@/lib/interactive/registration-policy";
import { headerOf, jsonResponse, type OAuthContext, type OAuthRequest, type OAuthResponse } from "../context";
import { OAuthError } from "../errors";

/** RFC 7591 §3.2.2 error codes. */
class RegistrationError extends OAuthError {
  constructor(error: "invalid_client_metadata" | "invalid_redirect_uri", description: string) {
    super(400, error, description);
  }
}

const AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"] as const;

/**
 * POST /oauth/register (RFC 7591), off unless an admin switches it on
 * (Settings → Interactive clients): anyone may call it, so every client it
 * creates is an interactive client pending approval (or auto-approved by
 * name), and nothing else. Public clients (`none`) are the MCP default; a
 * confidential one gets a secret, shown once in this response.
 */
export async function registrationEndpoint(ctx: OAuthContext, req: OAuthRequest): Promise<OAuthResponse> {
  const now = new Date();
  if (!(await registrationPolicy(ctx.db)).dynamicRegistration) {
    return jsonResponse(404, {
      error: "not_found",
      error_description:
        "dynamic client registration is switched off; this server supports client ID metadata documents",
    });
  }
  try {
    const type = headerOf(req, "content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json")
      throw new RegistrationError("invalid_client_metadata", "content type must be application/json");
    let body: unknown;
    try {
      body = JSON.parse((await req.readBody()).toString("utf8"));
    } catch (e) {
      if (e instanceof OAuthError) throw e;
      throw new RegistrationError("invalid_client_metadata", "body is not valid JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new RegistrationError("invalid_client_metadata", "body must be a JSON object");
    const parsed = interactiveClientMetadataSchema.safeParse(body);
    if (!parsed.success) {
      const problem = metadataProblem(parsed.error);
      throw new RegistrationError(
        problem.startsWith("redirect_uris") ? "invalid_redirect_uri" : "invalid_client_metadata",
        problem,
      );
    }
    const metadata = parsed.data;
    // RFC 7591 §2: the default is client_secret_basic; MCP clients send "none".
    const method =
      (body as { token_endpoint_auth_method?: unknown }).token_endpoint_auth_method === undefined
        ? "client_secret_basic"
        : metadata.token_endpoint_auth_method;
    if (!(AUTH_METHODS as readonly string[]).includes(method))
      throw new RegistrationError(
        "invalid_client_metadata",
        `token_endpoint_auth_method must be one of ${AUTH_METHODS.join(", ")}`,
      );
    const secret = method === "none" ? null : generateClientSecret();
    const clientId = `dcr-${randomBytes(16).toString("base64url")}`;
    const agent = await registerInteractiveClient(
      ctx.db,
      {
        clientId,
        metadata,
        registration: "dcr",
        authMethod: method as (typeof AUTH_METHODS)[number],
        clientSecretHash: secret?.hash ?? null,
        clientAddress: req.clientAddress,
      },
      now,
    );
    return jsonResponse(201, {
      client_id: agent.clientId,
      client_id_issued_at: Math.floor(now.getTime() / 1000),
      ...(secret ? { client_secret: secret.secret, client_secret_expires_at: 0 } : {}),
      client_name: agent.name,
      redirect_uris: metadata.redirect_uris,
      grant_types: agent.allowedGrantTypes.split(" "),
      response_types: ["code"],
      token_endpoint_auth_method: method,
      ...(metadata.client_uri ? { client_uri: metadata.client_uri } : {}),
      ...(metadata.logo_uri ? { logo_uri: metadata.logo_uri } : {}),
    });
  } catch (err) {
    if (err instanceof OAuthError && err.expose)
      return jsonResponse(err.status, { error: err.error, error_description: err.message });
    console.error("mandate: registration endpoint failed", err);
    return jsonResponse(500, { error: "server_error", error_description: "internal error" });
  }
}
