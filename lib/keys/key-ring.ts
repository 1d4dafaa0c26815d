import { importJWK, importPKCS8, type CryptoKey, type JWK } from "jose";
import { open } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import { tokenServiceSettings, type TokenServiceSettings } from "@/lib/oauth/defaults";
import { ensureActiveKey } from "./ensure-active-key";
import type { SigningAlg } from "./new-signing-key";

interface RingEntry {
  kid: string;
  alg: SigningAlg;
  status: "next" | "active" | "retiring";
  publicJwk: JWK;
  privateKeyEnc: string;
  publishUntil: Date | null;
}

export interface Signer {
  kid: string;
  alg: SigningAlg;
  key: CryptoKey;
}

/**
 * The process's view of the signing keys. Signing and JWKS are hot paths, so
 * the key table is read at most every few seconds (rotations by another
 * instance are noticed within that interval — harmless, because a key is
 * published as `next` long before it signs) and decrypted keys are cached.
 */
export class KeyRing {
  private entries: RingEntry[] = [];
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private readonly privateKeys = new Map<string, Promise<CryptoKey>>();
  private readonly publicKeys = new Map<string, Promise<CryptoKey>>();
  private readonly settings: TokenServiceSettings;

  constructor(
    private readonly db: Db,
    settings: Partial<TokenServiceSettings> = {},
  ) {
    this.settings = { ...tokenServiceSettings(), ...settings };
  }

  /** Forget the cached table: call after a rotation made in this process. */
  invalidate(): void {
    this.loadedAt = 0;
  }

  private async current(): Promise<RingEntry[]> {
    if (Date.now() - this.loadedAt < this.settings.keyRingRefreshSeconds * 1000 && this.entries.length > 0)
      return this.entries;
    this.loading ??= this.load().finally(() => (this.loading = null));
    await this.loading;
    return this.entries;
  }

  private async load(): Promise<void> {
    let rows = await this.readTable();
    if (!rows.some((r) => r.status === "active")) {
      await ensureActiveKey(this.db, this.settings.signingAlg);
      rows = await this.readTable();
    }
    this.entries = rows;
    this.loadedAt = Date.now();
  }

  private async readTable(): Promise<RingEntry[]> {
    const rows = await this.db.signingKey.findMany({
      where: { status: { in: ["next", "active", "retiring"] } },
      orderBy: { createdAt: "desc" },
      select: { kid: true, alg: true, status: true, publicJwk: true, privateKeyEnc: true, publishUntil: true },
    });
    return rows.map((r) => ({
      ...r,
      alg: r.alg as SigningAlg,
      status: r.status as RingEntry["status"],
      publicJwk: r.publicJwk as JWK,
    }));
  }

  /** The key that signs now. */
  async signer(): Promise<Signer> {
    const active = (await this.current()).find((e) => e.status === "active");
    if (!active) throw new Error("no active signing key");
    let key = this.privateKeys.get(active.kid);
    if (!key) {
      key = importPKCS8(open(active.privateKeyEnc, `signing-key:${active.kid}`), active.alg);
      this.privateKeys.set(active.kid, key);
    }
    return { kid: active.kid, alg: active.alg, key: await key };
  }

  /** RFC 7517 JWK Set of the published keys: next, active, and retiring until publishUntil. */
  async jwks(now = new Date()): Promise<{ keys: JWK[] }> {
    const published = (await this.current()).filter(
      (e) => e.status !== "retiring" || (e.publishUntil !== null && e.publishUntil > now),
    );
    return { keys: published.map((e) => e.publicJwk) };
  }

  /**
   * The public key to verify a token of ours, chosen by `kid` only among keys
   * that can have signed (active, retiring) — never from token headers such as
   * jku/x5u/jwk. Null when unknown.
   */
  async verificationKey(kid: string | undefined, alg: string | undefined, now = new Date()): Promise<CryptoKey | null> {
    if (!kid) return null;
    const entry = (await this.current()).find(
      (e) =>
        e.kid === kid &&
        (e.status === "active" || (e.status === "retiring" && e.publishUntil !== null && e.publishUntil > now)),
    );
    if (!entry || entry.alg !== alg) return null;
    let key = this.publicKeys.get(kid);
    if (!key) {
      key = importJWK(entry.publicJwk, entry.alg) as Promise<CryptoKey>;
      this.publicKeys.set(kid, key);
    }
    return key;
  }

  /** Algorithms our keys use, for discovery and for the verifier's allow-list. */
  async algorithms(): Promise<SigningAlg[]> {
    return [...new Set((await this.current()).map((e) => e.alg))];
  }
}
