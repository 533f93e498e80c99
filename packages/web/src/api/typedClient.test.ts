import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * #14: the web calls the API through a client keyed by the OpenAPI document, so the compiler
 * refuses a screen that is out of step with the server. These tests compile fixtures with the web
 * app's tsconfig and read the diagnostics.
 */
const web = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(web, 'typecheck');
const generated = join(web, 'src/api/openapi.d.ts');

function compile(file: string, replaceGenerated?: (text: string) => string): ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(web, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('no web tsconfig');
  const options = { ...config.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  if (replaceGenerated) {
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => {
      const text = readFile(name);
      return text !== undefined && resolve(name) === generated ? replaceGenerated(text) : text;
    };
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, onError, create) =>
      resolve(name) === generated
        ? ts.createSourceFile(name, replaceGenerated(readFileSync(generated, 'utf8')), language)
        : getSourceFile(name, language, onError, create);
  }
  const program = ts.createProgram({ rootNames: [join(fixtures, file)], options, host });
  return [...ts.getPreEmitDiagnostics(program)];
}

function where(d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (!d.file || d.start === undefined) return `TS${d.code} ${message}`;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${d.file.fileName.slice(web.length + 1)}:${line + 1} TS${d.code} ${message}`;
}

/** `// expect TSnnnn` on a line: that diagnostic on the next line of code. */
function expectations(file: string): string[] {
  const lines = readFileSync(join(fixtures, file), 'utf8').split('\n');
  const expected: string[] = [];
  lines.forEach((text, index) => {
    const code = /\/\/ expect TS(\d+)/.exec(text)?.[1];
    if (code) expected.push(`typecheck/${file}:${index + 2} TS${code}`);
  });
  return expected;
}

describe('the typed client (#14)', () => {
  it('a screen that calls routes as the API document has them compiles cleanly', () => {
    expect(compile('correct.ts').map(where)).toEqual([]);
  }, 60_000);

  it('a wrong path, path parameter, body field, query or answer field does not compile', () => {
    const expected = expectations('mismatch.ts');
    expect(expected.length).toBe(7);
    const found = compile('mismatch.ts').map(where);
    expect(found.map((line) => /^\S+ TS\d+/.exec(line)?.[0])).toEqual(expected);
  }, 60_000);

  it('when the server renames a body field and the web is not updated, the web does not compile', () => {
    // The reject route's body as generated; the rename is what `npm run api:types` would write.
    const before = /("\/api\/releases\/\{id\}\/reject"[\s\S]*?operations\["(\w+)"\])/.exec(
      readFileSync(generated, 'utf8'),
    );
    const operation = before?.[2];
    expect(operation).toBe('rejectRelease');
    const renamed = (text: string) => {
      const start = text.indexOf(`    ${operation}: {`);
      const end = text.indexOf('\n    };', start);
      return (
        text.slice(0, start) +
        text.slice(start, end).replace('reason: string;', 'why: string;') +
        text.slice(end)
      );
    };
    const found = compile('correct.ts', renamed).map(where);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^typecheck\/correct\.ts:\d+ TS2353 .*'reason' does not exist/);
  }, 60_000);

  it('when the server drops an answer field the web reads, the web does not compile', () => {
    const dropped = (text: string) => {
      const start = text.indexOf('        ReleaseDetail: {');
      const end = text.indexOf('\n        };', start);
      return (
        text.slice(0, start) + text.slice(start, end).replace(/\n {12}number: string;/, '') + text.slice(end)
      );
    };
    const found = compile('correct.ts', dropped).map(where);
    expect(found.some((line) => /TS2339 Property 'number' does not exist/.test(line))).toBe(true);
  }, 60_000);
});
