/**
 * API tokens (`ow_…`) are exchanged for short-lived JWTs at `POST /api/auth/token`; the JWT is
 * reused until shortly before it expires. Anything else given as apiKey (a JWT, a dashboard
 * session) is sent as-is and cannot be refreshed.
 */
import { TokenExchangeResponse } from "@contract";
import type { Clock } from "./clock.ts";
import { parseTolerant } from "./parse.ts";

/** Refresh this long before expiry so a request never leaves with a token about to die. */
export const REFRESH_MARGIN_MS = 60_000;

export type Exchange = (token: string, signal?: AbortSignal) => Promise<unknown>;

export class TokenCredentials {
  private current: { jwt: string; expiresAtMs: number; info: TokenExchangeResponse } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly apiKey: string,
    private readonly exchange: Exchange,
    private readonly clock: Clock,
  ) {}

  get exchanges(): boolean {
    return this.apiKey.startsWith("ow_");
  }

  /** What the last exchange said about the token (organization, role), if one happened. */
  get info(): TokenExchangeResponse | undefined {
    return this.current?.info;
  }

  async bearer(signal?: AbortSignal): Promise<string> {
    if (!this.exchanges) return this.apiKey;
    if (this.current && this.current.expiresAtMs - REFRESH_MARGIN_MS > this.clock.now())
      return this.current.jwt;
    this.inflight ??= this.refresh(signal).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  invalidate(): boolean {
    this.current = undefined;
    return this.exchanges;
  }

  private async refresh(signal?: AbortSignal): Promise<string> {
    const info = parseTolerant(TokenExchangeResponse, await this.exchange(this.apiKey, signal));
    const expiresAtMs =
      typeof info.expires_at === "number"
        ? info.expires_at * 1000
        : this.clock.now() + info.expires_in * 1000;
    this.current = { jwt: info.access_token, expiresAtMs, info };
    return info.access_token;
  }
}
