// Image references as Docker and the kubelet read them: the grammar of github.com/distribution/reference
// (regexp.go) and the normalization of ParseNormalizedNamed (normalize.go), which the kubelet's
// applyDefaultImageTag runs before it asks the runtime anything. The one home of that rule: admission
// refuses what fails here (422), the kubelet reports InvalidImageName for what still got stored, and the
// runtime refuses to put such a string into an engine URL.

/** The longest repository path (without domain, tag, digest): distribution's RepositoryNameTotalLengthMax. */
export const REPOSITORY_NAME_MAX = 255;

const alphanumeric = '[a-z0-9]+';
// one period, one or two underscores, or any number of dashes
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const domainAndPort = `(?:${domainName}|${ipv6address})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;

const REFERENCE = new RegExp(`^(${namePat})(?::(${tag}))?(?:@(${digest}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** go-digest's algorithms with their encoded lengths (hex characters) */
const DIGEST_ALGORITHMS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  /** e.g. docker.io */
  domain: string;
  /** e.g. library/nginx */
  path: string;
  tag?: string;
  digest?: string;
}

export type ParsedImageReference = { ok: true; ref: ImageReference } | { ok: false; error: string };

/**
 * ParseNormalizedNamed: `nginx` is docker.io/library/nginx. The error texts are distribution's own, so
 * what mini-kube says matches what a kubelet or `docker pull` would say about the same string.
 */
export function parseImageReference(s: string): ParsedImageReference {
  if (IDENTIFIER.test(s)) {
    return { ok: false, error: `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings` };
  }
  const [domain, remainder] = splitDockerDomain(s);
  const colon = remainder.indexOf(':');
  const remote = colon > -1 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) {
    return { ok: false, error: `invalid reference format: repository name (${remote}) must be lowercase` };
  }
  return parse(`${domain}/${remainder}`);
}

/** The kubelet's wording when a pod's image string cannot be parsed (image_manager.go). */
export function invalidImageNameMessage(image: string, error: string): string {
  return `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${error}`;
}

/** undefined when `image` is a valid reference, else distribution's error text. */
export function imageReferenceError(image: string): string | undefined {
  const parsed = parseImageReference(image);
  return parsed.ok ? undefined : parsed.error;
}

/** distribution's Parse, on an already normalized string. */
function parse(s: string): ParsedImageReference {
  // The grammar bounds every part except the path: refuse an absurd string before running the regexp.
  if (s.length > 4 * REPOSITORY_NAME_MAX + 1024) return { ok: false, error: 'invalid reference format' };
  const m = REFERENCE.exec(s);
  if (!m) {
    if (s === '') return { ok: false, error: 'repository name must have at least one component' };
    if (REFERENCE.test(s.toLowerCase())) return { ok: false, error: 'repository name must be lowercase' };
    return { ok: false, error: 'invalid reference format' };
  }
  const name = ANCHORED_NAME.exec(m[1]!);
  const ref: ImageReference = { domain: name?.[1] ?? '', path: name?.[2] ?? m[1]! };
  if (ref.path.length > REPOSITORY_NAME_MAX) {
    return { ok: false, error: `repository name must not be more than ${REPOSITORY_NAME_MAX} characters` };
  }
  if (m[2]) ref.tag = m[2];
  if (m[3]) {
    const problem = digestError(m[3]);
    if (problem) return { ok: false, error: problem };
    ref.digest = m[3];
  }
  return { ok: true, ref };
}

/** go-digest's Validate: a known algorithm with an encoded part of its exact length. */
function digestError(d: string): string | undefined {
  const i = d.indexOf(':');
  const want = DIGEST_ALGORITHMS[d.slice(0, i)];
  if (want === undefined) return 'unsupported digest algorithm';
  const encoded = d.slice(i + 1);
  if (encoded.length !== want) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest format';
  return undefined;
}

/** splitDockerDomain: the first component is a registry when it looks like one (a dot, a port, localhost). */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash === -1) return ['docker.io', `library/${name}`];
  const maybeDomain = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remote] = [maybeDomain === 'index.docker.io' ? 'docker.io' : maybeDomain, rest];
  } else {
    [domain, remote] = ['docker.io', name];
  }
  if (domain === 'docker.io' && !remote.includes('/')) remote = `library/${remote}`;
  return [domain, remote];
}
