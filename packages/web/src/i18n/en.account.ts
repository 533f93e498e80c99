import type { zhAccount } from './zh.account';

/** English for signing in, setting up and one's own account (pages/login, pages/setup, pages/account) (same keys as zh.account.ts). */
export const enAccount: typeof zhAccount = {
  login: {
    title: 'Sign in',
    subtitle: 'Sign in to ReleaseGate with your account',
    username: 'User name',
    password: 'Password',
    submit: 'Sign in',
    sessionEnded: 'Your session has ended; sign in again',
    secondStepTitle: 'Two-step verification',
    secondStepSubtitle: 'Your password is right. Complete the second step to sign in',
    codeIntro: 'Open your authenticator app and enter the 6-digit code it shows.',
    recoveryIntro:
      'Without your authenticator, enter one of the recovery codes you saved when you turned two-step verification on. Each works once.',
    code: 'Code',
    codeFormat: 'Enter the 6 digits',
    recoveryCode: 'Recovery code',
    verify: 'Verify and sign in',
    useRecoveryCode: 'No authenticator at hand? Use a recovery code',
    useCode: 'Use a code from the authenticator',
    secondStepSubtitleSso: 'Single sign-on succeeded. Complete the second step to sign in',
    sso: 'Sign in with {{label}}',
    ssoHint: "Sign in through your company's identity provider",
    or: 'or',
    breakGlass: 'Break-glass administrator sign-in',
    breakGlassIntro:
      'Only for the break-glass administrator while the directory or single sign-on is down. Every sign-in is audited and the security administrators and auditors are told.',
    backToSso: 'Back to single sign-on',
    ssoError: {
      provider_error:
        'The identity provider did not complete the sign-in (it may have been cancelled); sign in again',
      code_rejected: "The identity provider refused this sign-in's authorization code; sign in again",
      id_token_invalid: "The identity provider's ID token did not pass validation; ask the administrator",
      claims_missing: 'The identity provider did not give your user name; ask the administrator',
      groups_collide:
        'Separation of duties: your directory groups {{groups}} would give roles that exclude each other, so the sign-in was refused. Ask the security administrator to fix the group mapping',
      username_taken: 'This user name belongs to another account here; ask the security administrator',
      other: 'Single sign-on did not succeed ({{code}}); sign in again',
    },
  },
  setup: {
    title: 'First-run setup',
    intro: 'No account exists yet. Create the first account, with the role: {{role}}.',
    introRole: 'Create your account, with the role: {{role}}.',
    username: 'User name',
    usernameHelp: 'Letters, digits and . _ @ -, 2–64 characters',
    displayName: 'Display name',
    email: 'E-mail',
    password: 'Password',
    submit: 'Create account and sign in',
    invalidTitle: 'Invalid setup link',
    invalidBody:
      'This link is invalid, already used or expired. Ask an administrator to run releasegate admin create on the server for a new one-time link.',
    toLogin: 'Go to sign-in',
    done: 'Your account is ready; welcome to ReleaseGate',
  },
  twoStep: {
    title: 'Two-step verification',
    subtitle:
      'Besides your password, signing in asks for a one-time code from an authenticator app (Microsoft Authenticator, Google Authenticator…).',
    required:
      'The security policy (strict profile) requires two-step verification for your role. Set it up before anything else.',
    statusLabel: 'Status:',
    on: 'On',
    off: 'Off',
    enabledSince: 'On since {{at}}; {{left}} recovery codes left.',
    intro: 'Once it is on, every sign-in asks for the 6-digit code of your authenticator.',
    start: 'Turn on two-step verification',
    scanTitle: 'Step 1: scan the QR code with your authenticator',
    qrAlt: 'Two-step verification QR code',
    scanHelp:
      'Add an account in your authenticator app and scan the QR code; if you cannot, type the key below.',
    secretLabel: 'Key',
    confirmCode: 'Step 2: enter the 6-digit code your authenticator shows',
    confirm: 'Turn on',
    enabledTitle: 'Two-step verification is on',
    recoveryTitle: 'Recovery codes',
    recoveryWarning:
      'Keep these recovery codes somewhere safe now. They are shown only this once; if you lose your phone, each signs you in once instead of a code.',
    copy: 'Copy the recovery codes',
    copied: 'Copied',
    recoveryDone: 'I have saved them',
    manageCode:
      'For new recovery codes or to turn it off, enter the 6-digit code your authenticator shows now',
    regenerate: 'New recovery codes',
    disable: 'Turn off two-step verification',
    disableConfirm: 'Turn off two-step verification? Signing in will then ask for the password only.',
  },
  account: {
    title: 'Change password',
    subtitle: 'Once changed, your sessions on other devices and browsers end.',
    currentPassword: 'Current password',
    newPassword: 'New password',
    submit: 'Change password',
    done: 'Password changed',
    doneDetail:
      'Your sessions on other devices and browsers have ended; sign in there with the new password.',
    setByAdministrator:
      'The security administrator set this password; choose one only you know before you continue.',
    expired: 'Your password has expired; change it to continue.',
  },
};
