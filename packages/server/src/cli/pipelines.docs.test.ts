import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DIALECTS, tempDir } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';
import { signInRoles } from '../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease } from '../test/implementation';
import { CI_CLIENT, jobEnv, runProcess, type Run } from '../test/ci-client';

/**
 * docs/pipelines.md is what people copy into their pipelines: its GitLab CI, Jenkins and GitHub
 * Actions snippets are read from the page, checked for the mistakes a CI system would reject or
 * silently get wrong (an undeclared stage, a `needs` that points nowhere or drops a pipeline or
 * an artifact, a variable nobody defines), and their shell lines are run as written against a
 * real server. Only what a CI system itself provides is played by the test: the variables kept in
 * the CI settings, the job ids, and the project's own build.sh and deploy.sh.
 */
const DOC = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../docs/pipelines.md'), 'utf8');
const CLIENT_SHA256 = createHash('sha256').update(fs.readFileSync(CI_CLIENT)).digest('hex');

/** The first fenced block of a language in the section under a heading. */
function snippet(heading: string, language: string): string {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const next = DOC.indexOf('\n## ', start + 1);
  const section = DOC.slice(start, next < 0 ? undefined : next);
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(section);
  expect(match, `${heading}: a ${language} block`).not.toBeNull();
  return match![1];
}

/** The variables the page tells people to keep in their CI settings (its settings table). */
const SETTINGS = [...DOC.matchAll(/^\| `([A-Z][A-Z0-9_]*)`\s+\|/gm)].map((m) => m[1]);

/** The shell variables a script uses, without those it assigns itself. */
function variablesUsed(script: string): string[] {
  const used = new Set([...script.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]));
  for (const m of script.matchAll(/(?:^|[;\s])([A-Za-z_]\w*)=/g)) used.delete(m[1]);
  return [...used].sort();
}

const sh = (script: string, env: Record<string, string>, cwd: string): Promise<Run> =>
  runProcess('sh', ['-e', '-c', script], { env, cwd });

describe.each(DIALECTS)('docs/pipelines.md, run as written, on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T13:00:00.000Z');
    c = await signInRoles(t);
    token = (
      await c.impl.post('/api/tokens', {
        name: 'pipeline',
        scopes: ['gate.check', 'release.read', 'release.implement'],
        expiresInDays: 30,
      })
    ).body.token as string;
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * A ready release whose implementation has started, and a workspace with the project's build.sh
   * (writes the artifact `bytes`) and deploy.sh, and a stand-in `apk` (the image's package
   * manager: curl is already here).
   */
  async function workspace(bytes?: Buffer) {
    const r = await readyRelease(t, c);
    const number = (await c.impl.get(`/api/releases/${r.id}`)).body.number as string;
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    const dir = tempDir('rg-pipeline-');
    const artifact = path.join(dir, 'artifact.bin');
    fs.writeFileSync(artifact, bytes ?? r.artifact);
    const bin = path.join(dir, '.bin');
    fs.mkdirSync(bin);
    const script = (file: string, text: string) =>
      fs.writeFileSync(file, `#!/bin/sh\n${text}\n`, { mode: 0o755 });
    script(path.join(dir, 'build.sh'), `mkdir -p "$(dirname "$1")" && cp "${artifact}" "$1"`);
    script(
      path.join(dir, 'deploy.sh'),
      'echo "deploying $1"\necho "ORA-12541: TNS:no listener on db-primary, retried"\necho "deployed $1"',
    );
    script(path.join(bin, 'apk'), 'echo "apk $*"');
    const settings = {
      RELEASEGATE_URL: t.url,
      RELEASEGATE_TOKEN: token,
      RELEASEGATE_CI_SHA256: CLIENT_SHA256,
    };
    return { id: r.id, number, dir, settings, path: `${bin}:${process.env.PATH}` };
  }

  async function expectStepReported(releaseId: string, source: string) {
    const progress = (await c.impl.get(`/api/releases/${releaseId}/progress`)).body;
    expect(progress.implementation.progress.done).toBe(1);
    const logs = JSON.stringify((await c.impl.get(`/api/releases/${releaseId}/logs`)).body);
    expect(logs).toContain('ORA-12541');
    expect(logs).toContain(source);
  }

  it('IM-7 the page names the settings a pipeline keeps, and its fetch-and-check lines refuse a client whose SHA-256 is not the one kept', async () => {
    expect(SETTINGS).toEqual([
      'RELEASEGATE_URL',
      'RELEASEGATE_TOKEN',
      'RELEASEGATE_CI_SHA256',
      'RELEASE_NUMBER',
    ]);
    const fetchLines = snippet('The pipeline client', 'sh');
    expect(fetchLines).toContain('/downloads/releasegate-ci.mjs');
    const dir = tempDir('rg-pipeline-');
    const env = jobEnv({
      RELEASEGATE_URL: t.url,
      RELEASEGATE_TOKEN: token,
      RELEASEGATE_CI_SHA256: CLIENT_SHA256,
    });
    const ok = await sh(fetchLines, env, dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('releasegate-ci.mjs: OK');
    expect(ok.stdout).toContain('gate check');
    const tampered = await sh(
      fetchLines,
      { ...env, RELEASEGATE_CI_SHA256: 'f'.repeat(64) },
      tempDir('rg-pipeline-'),
    );
    expect(tampered.code).not.toBe(0);
    expect(tampered.stdout).not.toContain('gate check');
  });

  it('PR-1 PR-5 IM-2 IM-5 IM-7 GitLab CI: stages declared, needs resolvable on tag and branch pipelines, artifacts kept, variables defined; the tag pipeline runs: refused for another artifact (exit 1, no deploy), allowed, step and log reported', async () => {
    const doc = parse(snippet('GitLab CI', 'yaml')) as Record<string, any>;
    const reserved = new Set(['default', 'stages', 'variables', 'workflow', 'include']);
    const stages = doc.stages as string[];
    const names = Object.keys(doc).filter((k) => !reserved.has(k) && !k.startsWith('.'));
    expect(names).toEqual(['build', 'gate', 'deploy']);
    const jobs = Object.fromEntries(
      names.map((n) => {
        const job = doc[n];
        if (job.extends) expect(doc[job.extends], `${n} extends ${job.extends}`).toBeDefined();
        return [n, { ...(job.extends ? doc[job.extends] : {}), ...job }];
      }),
    ) as Record<string, any>;
    const needsOf = (job: any) =>
      ((job.needs ?? []) as (string | { job: string; artifacts?: boolean })[]).map((x) =>
        typeof x === 'string' ? { job: x, artifacts: true } : { artifacts: true, ...x },
      );
    const runsIn = (job: any, tag: boolean) =>
      !job.rules || job.rules.some((r: { if: string }) => r.if === '$CI_COMMIT_TAG' && tag);
    for (const [name, job] of Object.entries(jobs)) {
      expect(stages, `${name}: stage ${job.stage} declared`).toContain(job.stage);
      for (const need of needsOf(job)) {
        expect(names, `${name} needs ${need.job}`).toContain(need.job);
        expect(stages.indexOf(jobs[need.job].stage), `${name} needs an earlier job`).toBeLessThan(
          stages.indexOf(job.stage),
        );
      }
      // Variables: the file's, the page's settings, GitLab's own, or set by the script itself.
      const script = [...(job.before_script ?? []), ...job.script].join('\n');
      for (const v of variablesUsed(script))
        expect(
          [...Object.keys(doc.variables), ...SETTINGS, 'CI_COMMIT_TAG', 'CI_JOB_ID'],
          `${name} uses $${v}`,
        ).toContain(v);
      // A job that uses what a job built must get that job's artifacts through its needs.
      for (const [producer, p] of Object.entries(jobs).filter(([, p]) => p.artifacts)) {
        const paths = p.artifacts.paths as string[];
        const usesIt = Object.values(doc.variables as Record<string, unknown>).some(
          (v) => typeof v === 'string' && paths.some((d) => v.startsWith(d)) && script.includes('$ARTIFACT'),
        );
        if (producer !== name && usesIt && job.needs)
          expect(
            needsOf(job).some((n) => n.job === producer && n.artifacts),
            `${name} gets ${producer}'s artifacts`,
          ).toBe(true);
      }
    }
    // Both pipelines are valid: on a branch the gated jobs are absent together, nothing needs a
    // job that is not there (GitLab would refuse to create the pipeline).
    for (const tag of [true, false]) {
      const present = names.filter((n) => runsIn(jobs[n], tag));
      for (const n of present)
        for (const need of needsOf(jobs[n]))
          expect(present, `${n} needs ${need.job} (tag: ${tag})`).toContain(need.job);
      expect(present).toEqual(tag ? ['build', 'gate', 'deploy'] : ['build']);
    }
    expect(needsOf(jobs.deploy).map((n) => n.job)).toEqual(['build', 'gate']);

    const variables = Object.fromEntries(
      Object.entries(doc.variables as Record<string, string | { value: string }>).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : v.value,
      ]),
    );
    const pipeline = async (w: Awaited<ReturnType<typeof workspace>>) => {
      const ran: Record<string, Run> = {};
      let jobId = 100;
      for (const stage of stages)
        for (const name of names.filter((n) => jobs[n].stage === stage && runsIn(jobs[n], true))) {
          if (needsOf(jobs[name]).some((n) => ran[n.job]?.code !== 0)) continue;
          const job = jobs[name];
          const env = jobEnv({
            ...variables,
            ...w.settings,
            RELEASE_NUMBER: w.number,
            CI_COMMIT_TAG: 'v2.1.0',
            CI_JOB_ID: String(++jobId),
            PATH: w.path,
          });
          ran[name] = await sh([...(job.before_script ?? []), ...job.script].join('\n'), env, w.dir);
        }
      return ran;
    };

    const wrong = await workspace(Buffer.from('a build nobody approved'));
    const refused = await pipeline(wrong);
    expect(refused.build.code).toBe(0);
    expect(refused.gate.code, refused.gate.stderr).toBe(1);
    expect(refused.gate.stdout).toContain(`REFUSED: ${wrong.number} to production`);
    expect(refused.deploy).toBeUndefined();

    const w = await workspace();
    const ran = await pipeline(w);
    for (const [name, r] of Object.entries(ran)) expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
    expect(Object.keys(ran)).toEqual(['build', 'gate', 'deploy']);
    expect(ran.gate.stdout).toContain('releasegate-ci.mjs: OK');
    expect(ran.gate.stdout).toContain(`ALLOWED: ${w.number} to production`);
    expect(ran.deploy.stdout).toContain(`REPORTED: ${w.number} implementation step 1 start`);
    expect(ran.deploy.stdout).toContain('PUSHED: 3 lines');
    expect(ran.deploy.stdout).toContain('step 1 finish (succeeded); 1 of 2 implementation steps done');
    await expectStepReported(w.id, 'gitlab');
  });

  it("IM-7 IM-2 Jenkins (declarative): every variable is a parameter, in environment or Jenkins' own; the stages run: gate allowed, step and log reported", async () => {
    const groovy = snippet('Jenkins (declarative)', 'groovy');
    const params = [...groovy.matchAll(/string\(name: '(\w+)'/g)].map((m) => m[1]);
    expect(params).toEqual(['RELEASE_NUMBER']);
    const environment = /environment \{\n([\s\S]*?)\n {2}\}/.exec(groovy)![1];
    const declared = Object.fromEntries(
      [...environment.matchAll(/^\s+(\w+) = (.+)$/gm)].map((m) => [m[1], m[2].trim()]),
    );
    expect(Object.keys(declared)).toEqual(expect.arrayContaining(['RELEASEGATE_URL', 'RELEASEGATE_TOKEN']));
    expect(declared.RELEASEGATE_TOKEN).toMatch(/^credentials\('[\w-]+'\)$/);
    const stages = [...groovy.matchAll(/stage\('([^']+)'\) \{([\s\S]*?)\n {4}\}/g)].map((m) => ({
      name: m[1],
      steps: [...m[2].matchAll(/sh '''\n([\s\S]*?)\n\s*'''|sh '([^'\n]*)'/g)].map((s) => s[1] ?? s[2]),
    }));
    expect(stages.map((s) => s.name)).toEqual(['Build', 'Gate', 'Deploy']);
    for (const stage of stages)
      for (const step of stage.steps)
        for (const v of variablesUsed(step))
          expect([...params, ...Object.keys(declared), 'BUILD_TAG'], `${stage.name} uses $${v}`).toContain(v);

    const w = await workspace();
    // What Jenkins provides: the environment block with the two values configured for this server
    // (the page's placeholders), the credential, the parameter, BUILD_TAG.
    const env = jobEnv({
      ...Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, v.replace(/^'(.*)'$/, '$1')])),
      ...w.settings,
      RELEASE_NUMBER: w.number,
      BUILD_TAG: 'jenkins-deploy-7',
      PATH: w.path,
    });
    const out: string[] = [];
    for (const stage of stages)
      for (const step of stage.steps) {
        const r = await sh(step, env, w.dir);
        expect(r.code, `${stage.name}: ${step}\n${r.stdout}${r.stderr}`).toBe(0);
        out.push(r.stdout);
      }
    const all = out.join('');
    expect(all).toContain(`ALLOWED: ${w.number} to production`);
    expect(all).toContain('step 1 finish (succeeded)');
    await expectStepReported(w.id, 'jenkins');
  });

  it('IM-7 IM-2 GitHub Actions: inputs, vars and secrets declared, needs resolvable, artifacts downloaded after their upload; the jobs run: gate allowed, step and log reported', async () => {
    const doc = parse(snippet('GitHub Actions', 'yaml')) as Record<string, any>;
    const inputs = Object.keys(doc.on.workflow_dispatch.inputs as object);
    const jobs = doc.jobs as Record<string, any>;
    const needsOf = (name: string): string[] => [jobs[name].needs ?? []].flat();
    const before = (name: string): Set<string> => new Set(needsOf(name).flatMap((n) => [n, ...before(n)]));
    const uploads: Record<string, string> = {};
    for (const [name, job] of Object.entries(jobs))
      for (const step of job.steps as any[])
        if (step.uses === 'actions/upload-artifact@v4') uploads[step.with.name as string] = name;
    const allowedActions = [
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'actions/upload-artifact@v4',
      'actions/download-artifact@v4',
    ];
    for (const name of Object.keys(jobs)) {
      for (const n of needsOf(name)) expect(Object.keys(jobs), `${name} needs ${n}`).toContain(n);
      for (const step of jobs[name].steps as any[]) {
        if (step.uses) expect(allowedActions).toContain(step.uses);
        if (step.uses === 'actions/download-artifact@v4')
          expect([...before(name)], `${name} downloads ${step.with.name} after its upload`).toContain(
            uploads[step.with.name as string],
          );
        if (step.run)
          for (const v of variablesUsed(step.run as string))
            expect(
              [
                ...Object.keys(doc.env),
                ...Object.keys(jobs[name].env ?? {}),
                'GITHUB_RUN_ID',
                'GITHUB_RUN_ATTEMPT',
              ],
              `${name} uses $${v}`,
            ).toContain(v);
      }
    }
    expect([...before('deploy')].sort()).toEqual(['build', 'gate']);
    // Every expression is a repository variable, a secret or a declared input.
    const expressions = [...JSON.stringify(doc).matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]);
    for (const e of expressions) {
      expect(e).toMatch(/^(vars|secrets|inputs)\.\w+$/);
      if (e.startsWith('inputs.')) expect(inputs).toContain(e.slice('inputs.'.length));
    }

    const w = await workspace();
    const context: Record<string, string> = {
      ...Object.fromEntries(Object.entries(w.settings).map(([k, v]) => [`vars.${k}`, v])),
      'secrets.RELEASEGATE_TOKEN': token,
      'inputs.release': w.number,
    };
    const evaluate = (value: unknown) =>
      String(value).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, e: string) => context[e] ?? '');
    const env = jobEnv({
      ...Object.fromEntries(Object.entries(doc.env as object).map(([k, v]) => [k, evaluate(v)])),
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      PATH: w.path,
    });
    const order = ['build', 'gate', 'deploy'];
    for (const name of order)
      expect([...before(name)].every((n) => order.indexOf(n) < order.indexOf(name))).toBe(true);
    const out: string[] = [];
    for (const name of order)
      for (const step of (jobs[name].steps as any[]).filter((s) => s.run)) {
        // GitHub's default shell on Linux: bash -e.
        const r = await runProcess('bash', ['-e', '-c', step.run as string], { env, cwd: w.dir });
        expect(r.code, `${name}: ${step.run}\n${r.stdout}${r.stderr}`).toBe(0);
        out.push(r.stdout);
      }
    const all = out.join('');
    expect(all).toContain('releasegate-ci.mjs: OK');
    expect(all).toContain(`ALLOWED: ${w.number} to production`);
    expect(all).toContain('step 1 finish (succeeded)');
    await expectStepReported(w.id, 'github');
  });
});
