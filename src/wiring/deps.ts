import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { buildCaseKeyCipher } from '../../adapters/crypto/case-key-cipher'
import { buildCloudflareQueue } from '../../adapters/queue/cloudflare-queue'
import { D1CaseKeyStore } from '../../adapters/storage/d1-case-keys'
import { D1CaseStore } from '../../adapters/storage/d1-case-store'
import { D1DigestStore } from '../../adapters/storage/d1-digest-store'
import { D1LinkStore } from '../../adapters/storage/d1-link-store'
import { loadConfig } from '../config'
import { logger } from '../logger'
import { type Cipher, CipherError } from '../ports/cipher'
import { systemClock } from '../ports/clock'
import type { Deps } from '../services/deps'
import type { DigestStore } from '../services/digest-store'

/**
 * The core dependencies from the Worker's bindings (part of the wiring point, src/wiring): kept in their
 * own module so a route that needs only these does not load the job wiring.
 */

// Per isolate: keys are parsed and imported once per ENCRYPTION_KEYS value.
const ciphers = new Map<string, Cipher>()

function cipherFor(spec: string | undefined): Cipher {
  const cached = ciphers.get(spec ?? '')
  if (cached) return cached
  let cipher: Cipher
  try {
    cipher = buildAesGcmCipher(spec)
  } catch (error) {
    // Without keys nothing personal can be stored or read; fail on use, not at start-up, so the health
    // check and non-personal routes keep working and the log names the setting.
    const code = error instanceof CipherError ? error.code : 'bad_key'
    logger.error('config_encryption_keys', { code })
    const fail = async (): Promise<never> => {
      throw new CipherError(code)
    }
    cipher = { activeKeyId: '', encryptJson: fail, decryptJson: fail }
  }
  ciphers.set(spec ?? '', cipher)
  return cipher
}

/**
 * Builds the dependencies from the Worker's bindings; `overrides` replaces parts (tests: the clock).
 * The cipher is the master keyring (`ENCRYPTION_KEYS`, or `overrides.cipher`) with per-case keys from
 * D1 on top (issue 14 §10); a fresh one per call, so unwrapped case keys live for one request or job.
 */
export function buildDeps(env: Env, overrides: Partial<Deps> = {}): Deps {
  const { cipher: master, ...rest } = overrides
  const clock = rest.clock ?? systemClock
  return {
    store: new D1CaseStore(env.DB),
    cipher: buildCaseKeyCipher(master ?? cipherFor(env.ENCRYPTION_KEYS), new D1CaseKeyStore(env.DB), clock),
    queue: buildCloudflareQueue(env.JOBS),
    clock: systemClock,
    config: loadConfig(env),
    links: new D1LinkStore(env.DB),
    ...rest,
  }
}

/** The digest store from the Worker's bindings. */
export function buildDigestStore(env: Env): DigestStore {
  return new D1DigestStore(env.DB)
}
