// Browser login for the dashboard. The API token never goes into a URL: whoever holds it (the CLI,
// `up`) asks for a one-time login code; the page exchanges the code once for a session token and the
// code is gone. The session token is no cookie: cookies ignore ports, so a cookie for 127.0.0.1 would be
// sent to every nodePort, that is to the pods (docs/decisions/081). The page keeps it in sessionStorage
// (per origin: scheme, host and port) and sends it as `Authorization: Bearer`, which a browser never
// adds by itself. Actions also need the session's CSRF token in a header and a same-origin Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';

const CODE_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 12 * 3600_000;

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

  /** The session of an `Authorization: Bearer <session token>` header; undefined when none is valid. */
  fromAuthorization(header: string | undefined): Session | undefined {
    const m = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header ?? '');
    const id = m?.[1];
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
