import { beforeAll, describe, expect, it } from 'vitest'
import {
  checkTeamsActivity,
  KEY_ENDORSEMENTS,
  normalizeServiceUrl,
  TeamsAuthError,
  type TeamsAuthErrorCode,
  TeamsKeyCache,
  type TeamsVerifyConfig,
  verifyTeamsRequest,
} from '../../adapters/teams/verify'
import {
  botFrameworkDocuments,
  makeSigner,
  mintToken,
  TEST_APP_ID,
  TEST_JWKS_URL,
  TEST_METADATA_URL,
  TEST_SERVICE_URL,
  TEST_TENANT,
  type TestSigner,
} from '../fixtures/teams/keys'

const NOW = new Date('2026-11-23T10:00:00Z')
const NOW_SEC = Math.floor(NOW.getTime() / 1000)

const config: TeamsVerifyConfig = {
  appId: TEST_APP_ID,
  openIdMetadataUrl: TEST_METADATA_URL,
  allowedTenants: [TEST_TENANT],
}

const activity = {
  type: 'message',
  id: 'act-1',
  serviceUrl: TEST_SERVICE_URL,
  channelId: 'msteams',
  conversation: { id: 'a:conv-1', tenantId: TEST_TENANT },
  channelData: { tenant: { id: TEST_TENANT } },
  text: 'nieuwe casus',
}

let signer: TestSigner
let stranger: TestSigner
let calls: string[]

/** A fetch that serves the local metadata and JWKS and records every URL asked for. */
function stubFetch(signers: TestSigner[]): typeof fetch {
  const docs = botFrameworkDocuments(signers)
  return async (input) => {
    const url = input instanceof Request ? input.url : String(input)
    calls.push(url)
    if (url === TEST_METADATA_URL) return Response.json(docs.metadata)
    if (url === TEST_JWKS_URL) return Response.json(docs.jwks)
    return new Response('not found', { status: 404 })
  }
}

function deps(signers: TestSigner[] = [signer]) {
  return { fetch: stubFetch(signers), now: () => NOW, keys: new TeamsKeyCache() }
}

async function refusal(promise: Promise<unknown>): Promise<TeamsAuthErrorCode> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(TeamsAuthError)
    return (err as TeamsAuthError).code
  }
  throw new Error('expected a refusal')
}

beforeAll(async () => {
  signer = await makeSigner('kid-bf-1')
  stranger = await makeSigner('kid-stranger')
})

describe('verifyTeamsRequest', () => {
  it('accepts a good token and returns the tenant and service URL', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC)
    const result = await verifyTeamsRequest(`Bearer ${token}`, activity, config, deps())
    expect(result.tenantId).toBe(TEST_TENANT)
    expect(result.serviceUrl).toBe(TEST_SERVICE_URL)
    expect(result.claims.aud).toBe(TEST_APP_ID)
    expect(calls).toEqual([TEST_METADATA_URL, TEST_JWKS_URL])
  })

  it('caches metadata and keys between requests', async () => {
    calls = []
    const d = deps()
    for (let i = 0; i < 3; i++) {
      const token = await mintToken(signer, NOW_SEC)
      await verifyTeamsRequest(`Bearer ${token}`, activity, config, d)
    }
    expect(calls).toEqual([TEST_METADATA_URL, TEST_JWKS_URL])
  })

  it('takes the tenant from conversation.tenantId when channelData has none', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC)
    const { channelData: _, ...bare } = activity
    const result = await verifyTeamsRequest(`Bearer ${token}`, bare, config, deps())
    expect(result.tenantId).toBe(TEST_TENANT)
  })

  it('refuses a request without a bearer token', async () => {
    calls = []
    expect(await refusal(verifyTeamsRequest(undefined, activity, config, deps()))).toBe('missing_token')
    expect(await refusal(verifyTeamsRequest('Basic abc', activity, config, deps()))).toBe('missing_token')
    // No key material is fetched for a request that has no token at all.
    expect(calls).toEqual([])
  })

  it('refuses a token that is not a JWT', async () => {
    calls = []
    expect(await refusal(verifyTeamsRequest('Bearer not.a.jwt', activity, config, deps()))).toBe(
      'malformed_token',
    )
  })

  it('refuses a tampered signature', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC)
    const [h, p, s] = token.split('.') as [string, string, string]
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`
    expect(await refusal(verifyTeamsRequest(`Bearer ${h}.${p}.${flipped}`, activity, config, deps()))).toBe(
      'bad_signature',
    )
  })

  it('refuses a token signed by another key that claims a published kid', async () => {
    calls = []
    const forged = await mintToken(stranger, NOW_SEC, { kid: signer.kid })
    expect(await refusal(verifyTeamsRequest(`Bearer ${forged}`, activity, config, deps()))).toBe(
      'bad_signature',
    )
  })

  it('refuses a token whose key id is not published', async () => {
    calls = []
    const token = await mintToken(stranger, NOW_SEC)
    expect(await refusal(verifyTeamsRequest(`Bearer ${token}`, activity, config, deps()))).toBe('unknown_key')
  })

  it('refuses the wrong audience', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC, { aud: 'some-other-bot' })
    expect(await refusal(verifyTeamsRequest(`Bearer ${token}`, activity, config, deps()))).toBe(
      'wrong_audience',
    )
  })

  it('refuses the wrong issuer', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC, { iss: 'https://sts.windows.net/evil/' })
    expect(await refusal(verifyTeamsRequest(`Bearer ${token}`, activity, config, deps()))).toBe(
      'wrong_issuer',
    )
  })

  it('refuses an expired token beyond 5 minutes of skew, accepts one within', async () => {
    calls = []
    const late = await mintToken(signer, NOW_SEC, { iat: NOW_SEC - 4000, exp: NOW_SEC - 301 })
    expect(await refusal(verifyTeamsRequest(`Bearer ${late}`, activity, config, deps()))).toBe('expired')
    const justLate = await mintToken(signer, NOW_SEC, { iat: NOW_SEC - 4000, exp: NOW_SEC - 200 })
    await expect(verifyTeamsRequest(`Bearer ${justLate}`, activity, config, deps())).resolves.toBeTruthy()
  })

  it('refuses a serviceUrl that does not match the serviceurl claim', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC)
    const moved = { ...activity, serviceUrl: 'https://attacker.example.test/' }
    expect(await refusal(verifyTeamsRequest(`Bearer ${token}`, moved, config, deps()))).toBe(
      'service_url_mismatch',
    )
    const missing = { ...activity, serviceUrl: undefined }
    expect(await refusal(verifyTeamsRequest(`Bearer ${token}`, missing, config, deps()))).toBe(
      'service_url_mismatch',
    )
  })

  it('refuses a tenant that is not allow-listed, and every tenant when the list is empty', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC)
    const other = {
      ...activity,
      conversation: { id: 'a:c', tenantId: 'other' },
      channelData: { tenant: { id: 'other' } },
    }
    expect(await refusal(verifyTeamsRequest(`Bearer ${token}`, other, config, deps()))).toBe(
      'tenant_not_allowed',
    )
    expect(
      await refusal(
        verifyTeamsRequest(`Bearer ${token}`, activity, { ...config, allowedTenants: [] }, deps()),
      ),
    ).toBe('tenant_not_allowed')
  })

  it('refuses an activity whose channel the signing key is not endorsed for', async () => {
    calls = []
    const webchatOnly = await makeSigner('kid-webchat', ['webchat', 'directline'])
    const token = await mintToken(webchatOnly, NOW_SEC)
    expect(
      await refusal(verifyTeamsRequest(`Bearer ${token}`, activity, config, deps([signer, webchatOnly]))),
    ).toBe('channel_not_endorsed')
    // An `endorsements` claim inside the token does not count: only the published key's list does.
    const forged = await mintToken(webchatOnly, NOW_SEC, { claims: { endorsements: ['msteams'] } })
    expect(
      await refusal(verifyTeamsRequest(`Bearer ${forged}`, activity, config, deps([signer, webchatOnly]))),
    ).toBe('channel_not_endorsed')
    const { channelId: _, ...noChannel } = activity
    const good = await mintToken(signer, NOW_SEC)
    expect(await refusal(verifyTeamsRequest(`Bearer ${good}`, noChannel, config, deps()))).toBe(
      'channel_not_endorsed',
    )
  })

  it('refuses every channel but msteams, even one the key is endorsed for', async () => {
    calls = []
    const wide = await makeSigner('kid-wide', ['msteams', 'webchat'])
    const token = await mintToken(wide, NOW_SEC)
    const webchat = { ...activity, channelId: 'webchat' }
    expect(await refusal(verifyTeamsRequest(`Bearer ${token}`, webchat, config, deps([wide])))).toBe(
      'wrong_channel',
    )
    await expect(verifyTeamsRequest(`Bearer ${token}`, activity, config, deps([wide]))).resolves.toBeTruthy()
  })

  it('re-reads the keys for an unknown key id, and accepts a key published since', async () => {
    calls = []
    const rotated = await makeSigner('kid-rotated')
    let published = [signer]
    const keys = new TeamsKeyCache()
    const fetchImpl: typeof fetch = async (input) => {
      const url = String(input)
      calls.push(url)
      const docs = botFrameworkDocuments(published)
      return Response.json(url === TEST_METADATA_URL ? docs.metadata : docs.jwks)
    }
    let now = NOW
    const d = { fetch: fetchImpl, now: () => now, keys }
    await verifyTeamsRequest(`Bearer ${await mintToken(signer, NOW_SEC)}`, activity, config, d)
    published = [signer, rotated]
    // Within 30 s of the last read: no second read, the new key is still unknown.
    const early = await mintToken(rotated, NOW_SEC)
    expect(await refusal(verifyTeamsRequest(`Bearer ${early}`, activity, config, d))).toBe('unknown_key')
    now = new Date(NOW.getTime() + 31_000)
    await expect(verifyTeamsRequest(`Bearer ${early}`, activity, config, d)).resolves.toBeTruthy()
    expect(calls).toEqual([TEST_METADATA_URL, TEST_JWKS_URL, TEST_JWKS_URL])
  })

  it('answers 503 (not 401) when the key material cannot be read', async () => {
    calls = []
    const token = await mintToken(signer, NOW_SEC)
    const down = { ...deps(), fetch: (async () => new Response('down', { status: 502 })) as typeof fetch }
    const err = await verifyTeamsRequest(`Bearer ${token}`, activity, config, down).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TeamsAuthError)
    expect((err as TeamsAuthError).code).toBe('keys_unavailable')
    expect((err as TeamsAuthError).status).toBe(503)
  })
})

describe('checkTeamsActivity / normalizeServiceUrl', () => {
  it('ignores a trailing slash and host case', () => {
    expect(normalizeServiceUrl('https://SMBA.example.test/emea/')).toBe(
      normalizeServiceUrl('https://smba.example.test/emea'),
    )
    expect(() =>
      checkTeamsActivity(
        { serviceurl: 'https://smba.example.test/emea', [KEY_ENDORSEMENTS]: ['msteams'] },
        { ...activity, serviceUrl: 'https://SMBA.example.test/emea/' },
        config,
      ),
    ).not.toThrow()
  })
})
