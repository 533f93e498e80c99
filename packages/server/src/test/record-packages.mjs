// Preloaded (`node --import`) into a server process a test starts: appends every package the
// process loads — by `import` or `require`, from our code or from another package — to the file
// named by RG_PACKAGES_LOG, one specifier a line. server.process.test.ts reads it to prove what
// the server does not load until it is used.
import fs from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.RG_PACKAGES_LOG;
const isPackage = (specifier) => /^[^./]/.test(specifier) && !specifier.startsWith('node:');

if (log) {
  // ES module imports are resolved on the loader's own thread: the hook writes from there.
  const hook = `
    import fs from 'node:fs';
    export async function resolve(specifier, context, next) {
      if (${isPackage.toString()}(specifier)) fs.appendFileSync(${JSON.stringify(log)}, specifier + '\\n');
      return next(specifier, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (isPackage(request)) fs.appendFileSync(log, `${request}\n`);
    return load.call(this, request, ...rest);
  };
}
