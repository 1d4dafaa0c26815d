import type { Db } from "@/lib/db/client";
import { KeyRing } from "@/lib/keys/key-ring";
import type { OAuthContext } from "./context";
import { issuerFromEnv, tokenServiceSettings, type TokenServiceSettings } from "./defaults";
import { RemoteJwks } from "./remote-jwks";

export function createOAuthContext(
  db: Db,
  opts: { issuer?: string; settings?: Partial<TokenServiceSettings> } = {},
): OAuthContext {
  const settings = { ...tokenServiceSettings(), ...opts.settings };
  return {
    db,
    issuer: (opts.issuer ?? issuerFromEnv()).replace(/\/+$/, ""),
    keys: new KeyRing(db, settings),
    settings,
    remoteJwks: new RemoteJwks(),
  };
}
