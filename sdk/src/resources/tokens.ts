/** API tokens of the organization (admin). The secret appears only in create()'s answer. */
import { ApiToken, CreatedToken, type CreateTokenRequest } from "@contract";
import type { z } from "zod";
import type { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { ApiToken, CreatedToken };
export type TokenCreateParams = z.input<typeof CreateTokenRequest>;

export class Tokens extends APIResource {
  list(options: CallOptions = {}): PagePromise<ApiToken> {
    return this.listOf("/api/tokens", ApiToken, {}, options);
  }

  async create(params: TokenCreateParams, options: CallOptions = {}): Promise<CreatedToken> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "POST",
      path: "/api/tokens",
      body: params,
    });
    return parseTolerant(CreatedToken, body);
  }

  async revoke(tokenId: string, options: CallOptions = {}): Promise<ApiToken> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "DELETE",
      path: `/api/tokens/${pathPart(tokenId)}`,
    });
    return parseTolerant(ApiToken, body);
  }
}
