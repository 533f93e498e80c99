import { anyPermissionFor, type Permission } from '@releasegate/domain';

/**
 * Who may call each API route, as data: the permission table of docs/security.md, reviewed like
 * code. The authorization hook (http/authorize-route.ts) looks every request up here before its
 * body is read and before any handler runs, so a refusal changes nothing but its own audit event.
 * A route missing from this table stops the server at start.
 *
 * - `public`: anyone, signed in or not (sign-in, first-run setup, the signed change feed).
 * - `signed_in`: any signed-in person or API token (who am I, the role and people lists).
 * - `session`: a person signed in through the browser; API tokens are refused (their own inbox,
 *   password, tasks: nothing a pipeline does for its owner).
 * - permissions: the caller holds at least one (a token: among its scopes).
 */
export type RouteAccess = 'public' | 'signed_in' | 'session' | readonly Permission[];

const action = anyPermissionFor;

export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  // Identity
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'signed_in',
  'GET /api/auth/session': 'signed_in',
  'POST /api/auth/password': 'session',
  // X-4 two-step verification: the second step of a sign-in carries its pending-sign-in cookie.
  'POST /api/auth/second-factor': 'public',
  'GET /api/auth/second-factor': 'session',
  'POST /api/auth/second-factor/enrolment': 'session',
  'POST /api/auth/second-factor/confirm': 'session',
  'POST /api/auth/second-factor/disable': 'session',
  'POST /api/auth/second-factor/recovery-codes': 'session',
  // which sign-in methods the sign-in page offers.
  'GET /api/auth/methods': 'public',
  // X-4 single sign-on: the redirect to the OpenID Provider and its callback, before any session.
  'GET /api/auth/oidc/start': 'public',
  'GET /api/auth/oidc/callback': 'public',
  'GET /api/setup/status': 'public',
  'POST /api/setup': 'public',
  // card callbacks of chat apps, authenticated by each vendor's signature (modules/chat).
  'POST /api/chat/feishu/card': 'public',
  'GET /api/chat/wecom/callback': 'public',
  'POST /api/chat/wecom/callback': 'public',
  'POST /api/chat/dingtalk/callback': 'public',
  'GET /api/tokens': ['token.own', 'token.manage'],
  'POST /api/tokens': ['token.own', 'token.manage'],
  'POST /api/tokens/:id/revoke': ['token.own', 'token.manage'],
  'GET /api/users': ['user.read'],
  'GET /api/people': 'signed_in',
  'GET /api/users/:id': ['user.read'],
  'POST /api/users': ['user.manage'],
  'PATCH /api/users/:id': ['user.manage'],
  'POST /api/users/:id/password': ['user.manage'],
  'POST /api/users/:id/unlock': ['user.manage'],
  'POST /api/users/:id/second-factor/reset': ['user.manage'],
  'POST /api/users/:id/disable': ['user.manage'],
  'POST /api/users/:id/enable': ['user.manage'],
  'PUT /api/users/:id/break-glass': ['user.manage'],
  // the phone numbers and chat identities robot messages @-mention users by.
  'GET /api/account/contact': 'signed_in',
  'PUT /api/account/contact': 'session',
  'GET /api/users/:id/contact': ['user.manage'],
  'PUT /api/users/:id/contact': ['user.manage'],
  'POST /api/users/contacts/import': ['user.manage'],
  // RO-1: the directory group → role mapping the security administrator keeps.
  'GET /api/directory/mappings': ['user.read'],
  'POST /api/directory/mappings': ['user.manage'],
  'DELETE /api/directory/mappings/:id': ['user.manage'],
  'GET /api/directory/status': ['user.read'],
  'POST /api/directory/recheck': ['user.manage'],
  'GET /api/roles': 'signed_in',

  // Audit trail
  'GET /api/audit/events': ['audit.read'],
  'GET /api/audit/export': ['audit.export'],
  'GET /api/audit/verify': ['audit.verify'],
  'POST /api/audit/checkpoints': ['audit.verify'],
  // A public key: anyone may check a signature with it.
  'GET /api/audit/public-key': 'signed_in',

  // Changes
  'GET /api/changes': ['change.read'],
  'POST /api/changes': ['change.manage'],
  'GET /api/changes/:id': ['change.read'],
  'PATCH /api/changes/:id': ['change.manage'],
  'POST /api/changes/:id/submit': ['change.manage'],
  'POST /api/changes/:id/votes': ['change.vote'],
  'POST /api/changes/:id/withdraw': ['change.manage'],
  'PUT /api/changes/external/:system/:key': ['change.integrate'],
  // Authenticated by its HMAC signature, not by a session or token.
  'POST /api/webhooks/changes/:system': 'public',

  // CMDB
  'GET /api/cmdb/types': ['cmdb.read'],
  'POST /api/cmdb/types': ['cmdb.admin'],
  'PUT /api/cmdb/types/:key': ['cmdb.admin'],
  'GET /api/cmdb/cis': ['cmdb.read'],
  'POST /api/cmdb/cis': ['cmdb.write'],
  'GET /api/cmdb/cis/:id': ['cmdb.read'],
  'PATCH /api/cmdb/cis/:id': ['cmdb.write'],
  'POST /api/cmdb/cis/:id/retire': ['cmdb.write'],
  'GET /api/cmdb/cis/:id/history': ['cmdb.read'],
  'GET /api/cmdb/cis/:id/impact': ['cmdb.read'],
  'POST /api/cmdb/impact': ['cmdb.read'],
  'POST /api/cmdb/relations': ['cmdb.write'],
  'POST /api/cmdb/relations/:id/remove': ['cmdb.write'],
  'POST /api/cmdb/import': ['cmdb.write'],
  'GET /api/cmdb/export': ['cmdb.read'],
  'GET /api/cmdb/baselines': ['cmdb.read'],
  'POST /api/cmdb/baselines': ['cmdb.write'],
  'GET /api/cmdb/baselines/:id': ['cmdb.read'],
  'GET /api/cmdb/baselines/:id/compare': ['cmdb.read'],

  // Definitive software library
  'GET /api/dsl/versions': ['dsl.read'],
  'POST /api/dsl/versions': ['dsl.upload'],
  'GET /api/dsl/versions/:id': ['dsl.read'],
  'PATCH /api/dsl/versions/:id': ['dsl.upload'],
  'DELETE /api/dsl/versions/:id': ['dsl.upload'],
  'PUT /api/dsl/versions/:id/content': ['dsl.upload'],
  'GET /api/dsl/versions/:id/content': ['dsl.read'],
  'GET /api/dsl/versions/:id/verify': ['dsl.read'],
  'POST /api/dsl/versions/:id/approve': ['dsl.approve'],
  'POST /api/dsl/versions/:id/reject': ['dsl.approve'],
  'POST /api/dsl/versions/:id/retire': ['dsl.approve'],

  // Policy and calendar
  'GET /api/policy': ['policy.read'],
  'GET /api/policy/versions': ['policy.read'],
  'GET /api/policy/versions/:id': ['policy.read'],
  'POST /api/policy/versions': ['policy.draft'],
  'POST /api/policy/versions/:id/approve': ['policy.manage'],
  'GET /api/calendar': ['release.read'],
  'GET /api/freeze-windows': ['release.read'],
  'POST /api/freeze-windows': ['policy.manage'],
  'DELETE /api/freeze-windows/:id': ['policy.manage'],

  // Releases: intake, assessments, plan
  'GET /api/releases': ['release.read'],
  'POST /api/releases': ['release.request'],
  'GET /api/releases/:id': ['release.read'],
  'GET /api/releases/:id/references': ['release.read'],
  'GET /api/releases/:id/activity': ['release.read'],
  'POST /api/releases/:id/accept': action('accept'),
  'POST /api/releases/:id/reject': action('reject'),
  'POST /api/releases/:id/classify': action('classify'),
  'POST /api/releases/:id/cancel': action('cancel'),
  'GET /api/releases/:id/relationships': ['release.read'],
  'POST /api/releases/:id/assessments/relationship': ['release.plan'],
  'POST /api/releases/:id/assessments/resource': ['release.plan'],
  'POST /api/releases/:id/assessments/risk': ['release.plan'],
  'GET /api/releases/:id/plans': ['release.read'],
  'GET /api/releases/:id/plan/previous': ['release.read'],
  'GET /api/releases/:id/plans/:version/document': ['release.read'],
  'PUT /api/releases/:id/plan': action('edit_plan'),
  'POST /api/releases/:id/plan/submit': action('submit_plan'),
  'POST /api/releases/:id/plan/approve': action('approve_plan'),
  'POST /api/releases/:id/plan/reject': action('reject_plan'),
  'POST /api/releases/:id/plan/revise': action('revise_plan'),
  'PUT /api/releases/:id/plan/completion': action('complete_plan'),
  'POST /api/releases/:id/plan/completion/approve': action('approve_completion'),
  'POST /api/releases/:id/review': action('review_emergency'),
  'GET /api/releases/:id/plan/conflicts': ['release.read'],
  'POST /api/releases/:id/plan/conflicts/:key/override': ['release.plan'],

  // Pre-release verification and the gate
  'GET /api/releases/:id/checks': ['release.read'],
  'POST /api/releases/:id/checks/:key': action('record_check'),
  'GET /api/releases/:id/evidence/:digest': ['release.read'],
  'PUT /api/releases/:id/evidence': ['release.implement'],
  'POST /api/gate/check': ['gate.check'],

  // Implementation and monitoring
  'POST /api/releases/:id/implementation/start': action('start_implementation'),
  'POST /api/releases/:id/implementation/complete': action('complete_implementation'),
  'GET /api/releases/:id/progress': ['release.read'],
  'POST /api/releases/:id/steps/:phase/:index/start': action('record_step'),
  'POST /api/releases/:id/steps/:phase/:index/finish': action('record_step'),
  'GET /api/releases/:id/live': ['release.read'],
  'GET /api/releases/:id/monitoring': ['release.read'],
  'POST /api/releases/:id/readings': action('record_monitoring'),
  'POST /api/releases/:id/logs': action('record_monitoring'),
  'GET /api/releases/:id/logs': ['release.read'],
  'POST /api/releases/:id/feedback': action('record_monitoring'),

  // Rollback
  'GET /api/releases/:id/rollback': ['release.read'],
  'POST /api/releases/:id/triggers': action('raise_trigger'),
  'POST /api/releases/:id/triggers/:triggerId/decision': action('decide_rollback'),
  'POST /api/releases/:id/restoration': action('verify_restoration'),
  'POST /api/releases/:id/rollback/complete': action('complete_rollback'),
  'POST /api/releases/:id/rollback/fail': action('fail_rollback'),

  // After the release
  'GET /api/releases/:id/post-release': ['release.read'],
  'POST /api/releases/:id/verifications/:key': action('record_verification'),
  'POST /api/releases/:id/acceptance': action('sign_acceptance'),
  'POST /api/releases/:id/cmdb-update/complete': action('complete_cmdb_update'),
  'POST /api/releases/:id/archive': action('archive'),
  'POST /api/releases/:id/close': action('close_successful'),
  'GET /api/releases/:id/report': ['release.read'],
  'GET /api/releases/:id/evidence-package': ['release.read'],
  'POST /api/releases/:id/knowledge': ['knowledge.write'],

  // Knowledge and measures
  'GET /api/knowledge/articles': ['knowledge.read'],
  'GET /api/knowledge/tags': ['knowledge.read'],
  'POST /api/knowledge/articles': ['knowledge.write'],
  'GET /api/knowledge/articles/:id': ['knowledge.read'],
  'GET /api/knowledge/articles/:id/history': ['knowledge.read'],
  'PATCH /api/knowledge/articles/:id': ['knowledge.write'],
  'POST /api/knowledge/articles/:id/publish': ['knowledge.write'],
  'POST /api/knowledge/articles/:id/archive': ['knowledge.write'],
  'GET /api/measures/quarters': ['measures.read'],
  'GET /api/measures/quarters/:quarter/releases': ['measures.read'],
  'GET /api/measures/quarters/:quarter/export': ['measures.read'],

  // The signed-in person's own inbox and tasks
  'GET /api/me/tasks': 'session',
  'GET /api/notifications': 'session',
  'POST /api/notifications/:id/read': 'session',
  'POST /api/notifications/read-all': 'session',
  'GET /api/notifications/preferences': 'session',
  'PUT /api/notifications/preferences': 'session',

  // Outbound notifications (system administrator)
  'GET /api/notifications/webhooks': ['notifications.manage'],
  'POST /api/notifications/webhooks': ['notifications.manage'],
  'PATCH /api/notifications/webhooks/:id': ['notifications.manage'],
  'DELETE /api/notifications/webhooks/:id': ['notifications.manage'],
  'POST /api/notifications/webhooks/:id/test': ['notifications.manage'],
  'GET /api/notifications/deliveries': ['notifications.manage'],
  'POST /api/notifications/deliveries/:id/retry': ['notifications.manage'],

  // The API's own description
  'GET /api/openapi.json': 'public',

  // IM-7: the pipeline client, fetched by pipelines without credentials, and its SHA-256 and
  // size for the API tokens page.
  'GET /downloads/releasegate-ci.mjs': 'public',
  'GET /api/downloads/ci-client': 'signed_in',
};

/**
 * The routes the table covers: the API (but its interactive documentation) and the downloads.
 * The web app's files and pages are public and not in it.
 */
export function isTabledRoute(url: string): boolean {
  return (url.startsWith('/api/') && !isDocumentationRoute(url)) || url.startsWith('/downloads/');
}

export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/** The interactive API documentation (Swagger UI and its assets) is public, like the document. */
export function isDocumentationRoute(url: string): boolean {
  return url === '/api/docs' || url.startsWith('/api/docs/');
}
