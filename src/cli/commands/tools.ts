// Commands that help around the cluster: building the tutorial's sample image.
import type { Command } from 'commander';
import { buildSampleImage } from '../../runtime/sample-image.js';
import { runDemo } from '../../demo/demo.js';
import { action, CliError, home } from '../context.js';
import { connect } from '../../client/connect.js';
import { fetchLoginUrl } from '../../dashboard/login.js';
import { DemoRefused } from '../../demo/demo.js';

export function registerTools(program: Command): void {
  program.command('build-sample-image')
    .description('build the tutorial\'s image ondalk8s/healthcheck:v1 locally (no registry needed)')
    .option('--tag <tag>', 'image tag', 'ondalk8s/healthcheck:v1')
    .action(action(async (opts: { tag: string }) => {
      const r = await buildSampleImage({ tag: opts.tag, log: (line) => process.stdout.write(line + '\n') });
      process.stdout.write(r.built ? `built ${r.tag} (${r.method})\n` : `${r.tag} is already present\n`);
    }));
}

export function registerDemo(program: Command): void {
  program.command('demo')
    .description('walk the tutorial (liveness, then readiness behind a Service) step by step on real containers')
    .option('--lang <lang>', 'ko or en (default: from the locale; LANG=ko_KR.UTF-8 gives Korean)')
    .option('--fast', 'shorten the probe timings (1s) for a quick look')
    .action(action(async (opts: { lang?: string; fast?: boolean }) => {
      await runDemo({ lang: opts.lang, fast: !!opts.fast }).catch((err: unknown) => {
        throw err instanceof DemoRefused ? new CliError(err.message) : err;
      });
    }));
  // Registered here rather than in main.ts (another area's file): the classroom's two commands.
  registerDashboard(program);
}

export function registerDashboard(program: Command): void {
  program.command('dashboard')
    .description('print a one-time login link to the live classroom dashboard (served by the control plane on 127.0.0.1)')
    .action(action(async () => {
      const conn = await connect(home(), (line) => process.stderr.write(line + '\n'));
      try {
        process.stdout.write(`${await fetchLoginUrl(conn.client)}\n`);
      } finally {
        conn.client.close();
      }
    }));
}
