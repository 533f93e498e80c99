// The people of issue #18's benchmarks that drive a release through the API (bench:web,
// bench:close), made through the e2e harness, and their signed-in API sessions.
import type { Browser } from 'playwright-core';
import { seedUsers, signedInApi, type ApiSession } from '../../e2e/src/harness/api';
import type { TestServer } from '../../e2e/src/harness/server';

const ADMIN = { username: 'sec.admin', displayName: '安全管理员', password: 'Correct-Horse-42!' };
export const PASSWORD = 'Release-Gate-2026!';
const USERS = {
  eng: { displayName: '运维工程师张伟', roles: ['operations_engineer'] },
  impl: { displayName: '发布实施员赵六', roles: ['release_implementer'] },
  boss: { displayName: '运维管理部经理王芳', roles: ['operations_manager'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员', roles: ['configuration_administrator'] },
} as const;

/** Creates the people on a fresh server (first-run setup as the security administrator). */
export function seedCrew(browser: Browser, server: TestServer): Promise<void> {
  return seedUsers(browser, server, ADMIN, USERS, PASSWORD);
}

/**
 * Signs in the people a release needs (configuration administrator, engineer, manager, two CAB
 * members) and, on request, anyone else of the crew; `close` signs every session out.
 */
export async function signInCrew(browser: Browser, server: TestServer) {
  const sessions: ApiSession[] = [];
  const signIn = async (user: keyof typeof USERS) => {
    const session = await signedInApi(browser, server.url, user, PASSWORD);
    sessions.push(session);
    return session;
  };
  const crew = {
    cfg: await signIn('cfg'),
    engineer: await signIn('eng'),
    manager: await signIn('boss'),
    cab: [await signIn('cab1'), await signIn('cab2')] as [ApiSession, ApiSession],
  };
  const close = async () => {
    for (const session of sessions) await session.close();
  };
  return { crew, signIn, close };
}
