// Runs s3rver's own command line (test/s3-server.ts starts it) with one fix. Its filesystem store
// removes a key's directories when a delete leaves them empty, and a put into the same directory
// at that moment fails opening its file (ENOENT) in an 'error' event nothing handles, which ends
// the process: two uploads through `<prefix>tmp/`, one finishing as the other starts, were enough.
// S3 has no directories; here a delete removes the object's files and leaves directories be.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js');

FilesystemStore.prototype.deleteObject = async function deleteObject(bucket, key) {
  const files = ['object', 'object.md5', 'metadata.json'].map((kind) =>
    this.getResourcePath(bucket, key, kind),
  );
  await Promise.all(files.map((file) => fs.rm(file, { force: true })));
};

require('s3rver/bin/s3rver.js');
