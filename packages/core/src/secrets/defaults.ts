/**
 * What `filterDefaults` filters: request headers and query parameters that
 * carry a credential by name, whatever the value looks like. Compared
 * case-insensitively. Each value is replaced by `FILTERED_PLACEHOLDER`, not
 * removed, so a cassette still shows that the request was authenticated and
 * matching on `headers` or `query` agrees across runs (both sides hold it).
 */
export const FILTERED_PLACEHOLDER = '<FILTERED>'

export const DEFAULT_FILTERED_HEADERS: readonly string[] = [
  'authorization', // RFC 9110: Bearer, Basic, AWS SigV4, Digest...
  'proxy-authorization', // RFC 9110
  'cookie', // RFC 6265: session cookies
  'x-api-key', // Anthropic, AWS API Gateway, many SaaS APIs
  'api-key', // Azure OpenAI
  'x-goog-api-key', // Google (Gemini, Maps)
  'x-auth-token', // OpenStack, many private APIs
  'x-access-token',
  'x-amz-security-token', // AWS STS session token
  'ocp-apim-subscription-key', // Azure API Management
  'private-token', // GitLab
  'x-vault-token', // HashiCorp Vault
]

/**
 * Left out on purpose: `key` (Google's `?key=AIza...` is caught by the scan,
 * while `key` also names ordinary values that tests match on), `sig`/`signature`
 * (also ordinary words), `openai-organization` and `openai-project` (ids, not
 * credentials).
 */
export const DEFAULT_FILTERED_QUERY_PARAMETERS: readonly string[] = [
  'access_token', // OAuth 2.0 (RFC 6750 2.3)
  'refresh_token',
  'id_token',
  'client_secret', // OAuth 2.0
  'api_key',
  'apikey',
  'api-key',
  'token',
  'auth_token',
  'private_token', // GitLab
  'password',
  'x-amz-security-token', // AWS presigned URLs
  'x-amz-signature',
]
