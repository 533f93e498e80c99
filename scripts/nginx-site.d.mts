// Types of scripts/nginx-site.mjs, for the end-to-end harness (e2e/src/harness/nginx.ts).
export const SHIPPED_SITE: string;

export interface SitePorts {
  http: number;
  https: number;
  upstream: number | number[];
}

export interface SiteTls {
  certificate: string;
  key: string;
}

export function siteForTest(site: string, ports: SitePorts, tls: SiteTls): string;
export function mainConfig(dir: string, siteFile: string, errorLog: string): string;
export function writeNginxConfig(dir: string, ports: SitePorts, tls: SiteTls): void;
