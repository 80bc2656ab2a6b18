import type { ScimTokenView } from '../../../domain/scim/tokens.js';
import type { ChimeOperation } from '../context.js';
import type { ScimToken } from '../scim-extensions.js';

const toToken = (t: ScimTokenView): ScimToken => ({
  TokenId: t.tokenId,
  AccountId: t.accountId,
  Name: t.name,
  CreatedBy: t.createdBy,
  CreatedTimestamp: t.createdAt,
  ...(t.lastUsedAt && { LastUsedTimestamp: t.lastUsedAt }),
  ...(t.revokedAt && { RevokedTimestamp: t.revokedAt }),
});

/** The token is in this answer only: Belfry keeps its SHA-256 and never shows it again. */
export const CreateScimToken: ChimeOperation<'CreateScimToken'> = async (input, { services, actor }) => {
  const { token, secret } = await services.scim.tokens.createToken(actor, input.AccountId, input.Name);
  return { ScimToken: toToken(token), Token: secret, ScimBaseUrl: services.scim.baseUrl };
};

export const ListScimTokens: ChimeOperation<'ListScimTokens'> = async (input, { services, actor }) => ({
  ScimTokens: (await services.scim.tokens.listTokens(actor, input.AccountId)).map(toToken),
  // the URL to enter at the IdP (BELFRY_PUBLIC_URL's, which a console behind a proxy cannot know)
  ScimBaseUrl: services.scim.baseUrl,
});

export const RevokeScimToken: ChimeOperation<'RevokeScimToken'> = async (input, { services, actor }) => ({
  ScimToken: toToken(await services.scim.tokens.revokeToken(actor, input.AccountId, input.TokenId)),
});
