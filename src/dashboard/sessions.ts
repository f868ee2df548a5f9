// Browser login for the dashboard. The API token never goes into a URL: whoever holds it (the CLI,
// `up`) asks for a one-time login code; the URL carrying it is exchanged once for a session cookie
// (HttpOnly, SameSite=Strict) and the code is gone. Actions also need the session's CSRF token in a
// header, which only the page itself can read (from the event stream), and a same-origin Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';

const CODE_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 12 * 3600_000;
export const COOKIE = 'mk_dashboard';

export interface Session {
  id: string;
  csrf: string;
  expiresAt: number;
}

export class Sessions {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  newLoginCode(): string {
    this.sweep();
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, this.now() + CODE_TTL_MS);
    return code;
  }

  /** Spends a login code (once) for a new session; undefined when unknown, used or expired. */
  login(code: string): Session | undefined {
    const expires = this.codes.get(code);
    this.codes.delete(code);
    if (expires === undefined || expires < this.now()) return undefined;
    const s: Session = { id: randomBytes(24).toString('base64url'), csrf: randomBytes(24).toString('base64url'), expiresAt: this.now() + SESSION_TTL_MS };
    this.sessions.set(s.id, s);
    return s;
  }

  fromCookie(header: string | undefined): Session | undefined {
    const id = parseCookies(header)[COOKIE];
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s || s.expiresAt < this.now()) return undefined;
    return s;
  }

  static csrfMatches(s: Session, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(s.csrf);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private sweep(): void {
    const now = this.now();
    for (const [c, exp] of this.codes) if (exp < now) this.codes.delete(c);
    for (const [id, s] of this.sessions) if (s.expiresAt < now) this.sessions.delete(id);
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
