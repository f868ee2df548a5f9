// Every link in the README, docs/ and the folder READMEs leads somewhere: the file exists, and a #anchor
// names a heading of it (GitHub's slugs). Plain-text mentions of a decision (`docs/decisions/041`) or of a
// page (`docs/performance.md`) name a file that exists. Pages were moved and decisions renamed before; a dead link is a lost page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function markdownFiles(): string[] {
  const out = ['README.md'];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(rel);
      else if (e.isFile() && e.name.endsWith('.md')) out.push(rel);
    }
  };
  for (const dir of ['docs', 'src', 'examples', 'sample-app', 'bench', 'test']) if (fs.existsSync(path.join(ROOT, dir))) walk(dir);
  return out;
}

/** Text outside fenced code blocks and inline code spans (links in code are examples, not links). */
function prose(md: string): string {
  return md.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchors(md: string): Set<string> {
  const set = new Set<string>();
  for (const m of md.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6}\s+(.*)$/gm)) {
    let s = slug(m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    for (let n = 1; set.has(s); n++) s = `${slug(m[1]!)}-${n}`;
    set.add(s);
  }
  return set;
}

function brokenLinks(file: string): string[] {
  const md = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const broken: string[] = [];
  for (const m of prose(md).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/i.test(target)) continue;
    const [p, anchor] = target.split('#', 2) as [string, string | undefined];
    const abs = p ? path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(p)) : path.join(ROOT, file);
    if (!fs.existsSync(abs)) { broken.push(`${target} (no such file)`); continue; }
    if (anchor && abs.endsWith('.md') && !anchors(fs.readFileSync(abs, 'utf8')).has(anchor)) broken.push(`${target} (no such heading)`);
  }
  const decisions = fs.readdirSync(path.join(ROOT, 'docs/decisions'));
  for (const m of md.matchAll(/docs\/decisions\/(\d{3})/g)) {
    if (!decisions.some((d) => d.startsWith(m[1]!))) broken.push(`docs/decisions/${m[1]} (no such decision)`);
  }
  // A page named in plain text (docs/readme/probes.md once was) must exist too.
  for (const m of prose(md).matchAll(/(?<![\w/.])docs\/[\w./-]+\.md/g)) {
    if (!fs.existsSync(path.join(ROOT, m[0]))) broken.push(`${m[0]} (no such page)`);
  }
  return broken;
}

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Soak: `npm run soak`')).toBe('soak-npm-run-soak');
    expect(slug('Services (bench/proxy)')).toBe('services-benchproxy');
    expect(slug('kubectl and @kubernetes/client-node')).toBe('kubectl-and-kubernetesclient-node');
  });

  it('source comments name pages and decisions that exist', () => {
    const broken: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) walk(rel);
        else if (/\.(ts|mjs|js|sh)$/.test(e.name)) {
          const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
          for (const m of text.matchAll(/(?<![\w/.])docs\/[\w./-]+\.md/g)) if (!fs.existsSync(path.join(ROOT, m[0]))) broken.push(`${rel}: ${m[0]}`);
        }
      }
    };
    for (const dir of ['src', 'scripts', 'bench', 'examples']) walk(dir);
    expect(broken.join('\n')).toBe('');
  });

  it.each(markdownFiles())('%s: every link leads somewhere', (file) => {
    expect(brokenLinks(file).join('\n')).toBe('');
  });
});
