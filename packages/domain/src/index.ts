export * from './errors';
export * from './clock';
export * from './identity/roles';
export * from './identity/permissions';
export * from './identity/password-rules';
