// Object names as Kubernetes checks and makes them: metadata.name's format (a DNS-1123 subdomain, or a
// label for a Namespace, checked by validation.ts's rules), generateName's random suffix (the apiserver's
// SimpleNameGenerator) and rand.SafeEncodeString (the pod-template-hash's spelling). One home for the API
// server, which expands generateName, and the controllers, which name ReplicaSets and pods.
import { createHash, randomInt } from 'node:crypto';
import { isDNS1123Label, isDNS1123Subdomain } from './validation.js';

/** rand.SafeEncodeString's alphabet: no vowels, so no words, and no look-alikes such as 0/o or 1/l. */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** SimpleNameGenerator: maxNameLength 63 - randomLength 5. */
export const MAX_GENERATED_NAME_LENGTH = 58;
const RANDOM_LENGTH = 5;

/** Maps every character through the alphabet by char code modulo 27, as Kubernetes does. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += NAME_ALPHABET[s.charCodeAt(i) % NAME_ALPHABET.length];
  return out;
}

/** `generateName` as the API server expands it: base[:58] + 5 random characters of the alphabet. */
export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return base.slice(0, MAX_GENERATED_NAME_LENGTH) + suffix;
}

/**
 * A generated name that is the same for the same seed: for objects the API computes on every read
 * (EndpointSlices from Endpoints), whose name must not change from one request to the next.
 */
export function seededName(base: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let suffix = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) suffix += NAME_ALPHABET[digest[i]! % NAME_ALPHABET.length];
  return base.slice(0, MAX_GENERATED_NAME_LENGTH) + suffix;
}

/**
 * The first thing wrong with an object's name, in the apiserver's words, or undefined: a DNS-1123 label
 * for a Namespace (so "a.b" "must not contain dots"), a DNS-1123 subdomain for everything else.
 */
export function nameProblem(name: string, label: boolean): string | undefined {
  return (label ? isDNS1123Label(name) : isDNS1123Subdomain(name))[0];
}
