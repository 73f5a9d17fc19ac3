import type { SecretlintFamily } from './rule.ts';

/**
 * The provider-key families secretlint's recommended preset covers, with the pre-filter that
 * decides where it runs (`after` spans the longest token of the family). Which message maps to
 * which gateway rule name is in `secretlint-rule-names.ts`.
 */
export const secretlintFamilies: readonly SecretlintFamily[] = [
  {
    secretlintRule: 'aws',
    anchors: ['SECRET', 'Secret', 'secret'],
    trigger: '(?:SECRET|[Ss]ecret)_?(?:ACCESS|[Aa]ccess)_?(?:KEY|[Kk]ey)',
    before: 16,
    after: 120,
  },
  { secretlintRule: 'github', anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], trigger: 'gh[pousr]_|github_pat_', before: 4, after: 100 },
  { secretlintRule: 'gitlab', anchors: ['gl'], trigger: 'gl(?:pat|dt|ptt|rt|cbt|soat|ffct|agent|imt|oas|ft)-|glc_', before: 4, after: 200 },
  { secretlintRule: 'slack', anchors: ['xox', 'xapp-', 'hooks.slack.com'], trigger: 'xox[abposr]-|xapp-|hooks\\.slack\\.com', before: 4, after: 260 },
  { secretlintRule: 'stripe', anchors: ['rk_', 'sk_'], trigger: '[rs]k_(?:live|test)_', before: 4, after: 120 },
  { secretlintRule: 'openai', anchors: ['T3BlbkFJ'], trigger: 'T3BlbkFJ', before: 100, after: 100 },
  { secretlintRule: 'anthropic', anchors: ['sk-ant-'], trigger: 'sk-ant-', before: 4, after: 150 },
  { secretlintRule: 'npm', anchors: ['npm_'], trigger: 'npm_[A-Za-z0-9]', before: 4, after: 48 },
  { secretlintRule: 'sendgrid', anchors: ['SG.'], trigger: 'SG\\.[\\w-]', before: 4, after: 400 },
  { secretlintRule: 'privatekey', anchors: ['-----BEGIN'], trigger: '-----BEGIN', before: 4, after: 10_300 },
  {
    secretlintRule: 'database-connection-string',
    anchors: ['postgres', 'mysql', 'mongodb', 'jdbc:'],
    trigger: '(?:postgres(?:ql)?|mysql|mongodb(?:\\+srv)?|jdbc:[a-z]{2,12})://',
    before: 4,
    after: 400,
  },
  // A URL with a password in it (`scheme://user:password@host`): the trigger already needs the `:…@`.
  { secretlintRule: 'basicauth', anchors: ['://'], trigger: '://[^\\s/@:\'"]{1,64}:[^\\s/@\'"]{1,128}@', before: 16, after: 400 },
];

/** secretlint rule + message → the gateway's rule name (what headers, logs and metrics say). */
export function gatewayRuleName(secretlintRuleId: string, messageId: string): string {
  const rule = secretlintRuleId.replace('@secretlint/secretlint-rule-', '');
  if (rule === 'aws')
    return messageId === 'AWSSecretAccessKey' ? 'aws-secret-access-key' : messageId === 'AWSAccessKeyID' ? 'aws-access-key-id' : 'aws-account-id';
  const names: Record<string, string> = {
    github: 'github-token',
    gitlab: 'gitlab-token',
    slack: messageId.includes('WEBHOOK') || messageId.includes('Webhook') ? 'slack-webhook' : 'slack-token',
    stripe: 'stripe-key',
    openai: 'openai-key',
    anthropic: 'anthropic-key',
    npm: 'npm-token',
    sendgrid: 'sendgrid-key',
    privatekey: 'private-key',
    'database-connection-string': 'database-url',
    basicauth: 'basic-auth-url',
  };
  return names[rule] ?? `secretlint-${rule}`;
}
