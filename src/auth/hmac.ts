/** HMAC-SHA256 helpers (WebCrypto) shared by sessions and CSRF tokens. */

const encoder = new TextEncoder()
const keyCache = new Map<string, Promise<CryptoKey>>()

function importKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    keyCache.set(secret, key)
  }
  return key
}

/** Base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Decodes base64url; null when the input is not valid base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}

/** HMAC-SHA256 of a message, base64url. */
export async function signHmac(secret: string, message: string): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(message))
  return toBase64Url(new Uint8Array(sig))
}

/** Constant-time check of an HMAC-SHA256 signature (WebCrypto verify). */
export async function verifyHmac(secret: string, message: string, signature: string): Promise<boolean> {
  const sig = fromBase64Url(signature)
  if (sig === null || sig.length !== 32) return false
  return crypto.subtle.verify('HMAC', await importKey(secret), sig, encoder.encode(message))
}

/** A random token of `bytes` bytes, base64url. */
export function randomToken(bytes = 18): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)))
}
