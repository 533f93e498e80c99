// Records how long each test file took, for the suite's longest-first order
// (packages/server/src/test/sequencer.ts). From a JSON report of a whole run on both dialects:
//   TEST_DATABASE_URL=postgres://… npx vitest run --reporter=json --outputFile=/tmp/suite.json
//   node scripts/record-test-durations.mjs /tmp/suite.json
import fs from 'node:fs';
import path from 'node:path';

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const root = process.cwd();
const seconds = Object.fromEntries(
  report.testResults
    .map((r) => [path.relative(root, r.name), Math.round((r.endTime - r.startTime) / 100) / 10])
    .sort((a, b) => b[1] - a[1]),
);
const out = 'packages/server/src/test/file-durations.json';
fs.writeFileSync(out, `${JSON.stringify(seconds, null, 2)}\n`);
console.log(`${Object.keys(seconds).length} files written to ${out}`);
