/**
 * Child process of `npm run bench:tokens`: oidc-provider doing
 * client_credentials (ES256 JWT access tokens for one RFC 8707 resource, its
 * in-memory adapter) on an ephemeral port — the reference the token service is
 * compared with, driven the same way. Two clients, one per authentication
 * method Mandate's rows use: "bench" (client_secret_basic) and "bench-pkjwt"
 * (private_key_jwt with the JWK Set in BENCH_CLIENT_JWKS; oidc-provider then
 * verifies each assertion and refuses a replayed jti, as Mandate does).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
import { serveBenchChild } from "./child";

const RESOURCE = process.env.BENCH_RESOURCE ?? "https://mcp.bench.example/docs";
const SECRET = process.env.BENCH_SECRET ?? "";
const CLIENT_JWKS = JSON.parse(process.env.BENCH_CLIENT_JWKS ?? '{"keys":[]}') as { keys: object[] };

async function main(): Promise<void> {
  const server = createServer();
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "bench",
        client_secret: SECRET,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        id_token_signed_response_alg: "ES256",
      },
      {
        client_id: "bench-pkjwt",
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "ES256",
        jwks: CLIENT_JWKS,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        id_token_signed_response_alg: "ES256",
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "p1", alg: "ES256", use: "sig" }] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "docs.read",
          audience: RESOURCE,
          accessTokenTTL: 300,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
  });
  server.on("request", provider.callback());
  serveBenchChild(issuer, async () => {
    server.closeAllConnections();
    server.close();
  });
}

void main();
