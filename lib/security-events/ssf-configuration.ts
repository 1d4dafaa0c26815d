import { PUSH_DELIVERY_METHOD } from "./caep";

/**
 * The SSF 1.0 transmitter configuration metadata
 * (`/.well-known/ssf-configuration`). Streams are configured by admins in the
 * console (Settings → Event receivers), so no stream management endpoint is
 * advertised; SETs are verified with the keys at `jwks_uri`.
 */
export function ssfConfiguration(issuer: string): Record<string, unknown> {
  return {
    spec_version: "1_0",
    issuer,
    jwks_uri: `${issuer}/oauth/jwks`,
    delivery_methods_supported: [PUSH_DELIVERY_METHOD],
    default_subjects: "ALL",
  };
}
