import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/databases';
import { SecretBox } from './secret-box';

describe('sealed secrets at rest', () => {
  it('X-4 a sealed secret opens with its key only, and any change to it is detected', () => {
    const dir = tempDir('rg-secrets-');
    const box = SecretBox.loadOrCreate(path.join(dir, 'secrets.key'));
    expect(fs.statSync(path.join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    const sealed = box.seal('https://oapi.dingtalk.com/robot/send?access_token=钉钉-token');
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(sealed).not.toContain('access_token');
    expect(box.seal('same')).not.toBe(box.seal('same')); // a fresh IV each time
    expect(box.open(sealed)).toBe('https://oapi.dingtalk.com/robot/send?access_token=钉钉-token');
    // The same file gives the same key; another key cannot open it.
    expect(SecretBox.loadOrCreate(path.join(dir, 'secrets.key')).open(sealed)).toContain('钉钉-token');
    const other = SecretBox.loadOrCreate(path.join(tempDir('rg-secrets-'), 'secrets.key'));
    expect(() => other.open(sealed)).toThrow(/not with the configured key/);
    // A flipped byte fails GCM's authentication.
    const bytes = Buffer.from(sealed.split(':')[3], 'base64');
    bytes[bytes.length - 1] ^= 1;
    const tampered = `${sealed.split(':').slice(0, 3).join(':')}:${bytes.toString('base64')}`;
    expect(() => box.open(tampered)).toThrow();
    // A row written before sealing reads as it is.
    expect(box.open('http://legacy.example/hook')).toBe('http://legacy.example/hook');
  });
});
