/** Well-known public DoH resolvers (RFC 8484 endpoints), selectable by name. */
export const RESOLVER_PRESETS = {
  cloudflare: 'https://cloudflare-dns.com/dns-query',
  google: 'https://dns.google/dns-query',
  quad9: 'https://dns.quad9.net/dns-query',
  he: 'https://ordns.he.net/dns-query',
} as const

export type PresetName = keyof typeof RESOLVER_PRESETS

export type Resolver = { name: string; url: string }

/**
 * Why a requested resolver is refused; the code is the problem's `code`: `bad_url` (neither a
 * preset nor a URL), `not_https`, `credentials` (user info in the URL), `target_refused` (the
 * host is one the target policy refuses), or `needs_token` (a 401, not a 422).
 */
export class ResolverChoiceError extends Error {
  override name = 'ResolverChoiceError'
  constructor(
    readonly code: 'needs_token' | 'bad_url' | 'not_https' | 'credentials' | 'target_refused',
    message: string,
  ) {
    super(message)
  }
}

function isPreset(name: string): name is PresetName {
  return Object.hasOwn(RESOLVER_PRESETS, name)
}

/**
 * Picks the resolver for a request: none asked → the configured default (`DOH_URL`, itself a
 * preset name or a URL); a preset name → its URL; a custom URL → only with the API token, https
 * only (plain http only when private targets are allowed, i.e. local testing), no credentials.
 */
export function chooseResolver(
  requested: string | undefined,
  configuredDefault: string,
  access: {
    authenticated: boolean
    allowPrivate: boolean
    checkHost: (host: string) => string | null
  },
): Resolver {
  if (requested === undefined || requested === '') {
    if (isPreset(configuredDefault))
      return { name: configuredDefault, url: RESOLVER_PRESETS[configuredDefault] }
    return { name: 'default', url: configuredDefault }
  }
  const key = requested.toLowerCase()
  if (isPreset(key)) return { name: key, url: RESOLVER_PRESETS[key] }
  if (!access.authenticated) {
    throw new ResolverChoiceError(
      'needs_token',
      `a custom resolver URL needs the API token; without it choose one of ${Object.keys(RESOLVER_PRESETS).join(', ')}`,
    )
  }
  let url: URL
  try {
    url = new URL(requested)
  } catch {
    throw new ResolverChoiceError(
      'bad_url',
      `resolver must be one of ${Object.keys(RESOLVER_PRESETS).join(', ')} or an https URL`,
    )
  }
  const plainHttpOk = access.allowPrivate && url.protocol === 'http:'
  if (url.protocol !== 'https:' && !plainHttpOk) {
    throw new ResolverChoiceError(
      'not_https',
      'a custom resolver must be an https URL (RFC 8484 is defined over HTTPS)',
    )
  }
  if (url.username || url.password) {
    throw new ResolverChoiceError('credentials', 'a resolver URL must not carry credentials')
  }
  const refused = access.checkHost(url.hostname)
  if (refused) throw new ResolverChoiceError('target_refused', refused)
  return { name: 'custom', url: url.toString() }
}
