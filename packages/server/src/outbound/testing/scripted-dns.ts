import type { HostResolver } from '../outbound-policy';

/**
 * A DNS for tests: each scripted name answers its answers in turn (the last one repeats), so a name
 * can answer a public address when an endpoint is saved and 127.0.0.1 ever after (DNS rebinding).
 * Names not in the script go to `fallback` (e.g. the system's resolver, for localhost), or do not
 * resolve. `asked` lists every question, in order.
 */
export function scriptedDns(script: Record<string, string[][]>, fallback?: HostResolver) {
  const asked: string[] = [];
  const resolver: HostResolver = async (host) => {
    const answers = script[host];
    const n = asked.filter((h) => h === host).length;
    asked.push(host);
    if (!answers) return fallback ? fallback(host) : [];
    return answers[Math.min(n, answers.length - 1)].map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return { resolver, asked };
}
