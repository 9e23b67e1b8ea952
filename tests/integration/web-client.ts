import { exports } from 'cloudflare:workers'

/** A tiny browser for the web surface inside workerd: a cookie jar, form posts, redirects followed. */
export class WebClient {
  readonly cookies = new Map<string, string>()
  html = ''
  status = 0
  url = ''

  constructor(readonly base = 'http://127.0.0.1:8787') {}

  /** One request with the cookie jar (no redirect followed). */
  async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await exports.default.fetch(
      new Request(new URL(path, this.base), { ...init, headers, redirect: 'manual' }),
    )
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      const name = pair!.slice(0, at).trim()
      const value = pair!.slice(at + 1).trim()
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }

  private async settle(res: Response): Promise<Response> {
    let current = res
    for (let hops = 0; hops < 5 && current.status >= 300 && current.status < 400; hops++) {
      const location = current.headers.get('location')!
      current = await this.send(location, { method: 'GET' })
      this.url = location
    }
    this.status = current.status
    this.html = await current.text()
    return current
  }

  /** GET a page (following redirects). */
  async get(path: string): Promise<Response> {
    this.url = path
    return this.settle(await this.send(path, { method: 'GET' }))
  }

  /** POST a form with the CSRF token of the current page (following redirects). */
  async post(path: string, fields: Record<string, string | string[]>, options: { csrf?: string } = {}) {
    const body = new URLSearchParams()
    body.append('_csrf', options.csrf ?? this.csrf())
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
    this.url = path
    return this.settle(
      await this.send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      }),
    )
  }

  /** The CSRF token in the current page's forms. */
  csrf(): string {
    return this.html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? ''
  }

  /** The step id of the current intake page. */
  stepId(): string {
    return this.html.match(/name="_step" value="([^"]+)"/)?.[1] ?? ''
  }

  /** The value attribute of the input with this name on the current page. */
  inputValue(name: string): string | null {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const tag = this.html.match(new RegExp(`<input[^>]*name="${escaped}"[^>]*>`))?.[0]
    return tag?.match(/value="([^"]*)"/)?.[1] ?? null
  }

  /** Signs in through the development sign-in. */
  async login(name: string, role = 'referrer') {
    await this.get('/dev/login')
    return this.post('/dev/login', { name, role })
  }
}
