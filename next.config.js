/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm-backed packages stay outside the server bundle.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@prisma/schema-engine-wasm",
    "pg",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // forbidden(): a 403 page when a signed-in role may not open a page.
  experimental: { authInterrupts: true },
};

export default nextConfig;
