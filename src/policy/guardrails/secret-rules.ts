import { characterClasses, shannonEntropy } from './entropy.ts';
import type { RegexRule } from './rule.ts';

const token = '[A-Za-z0-9_-]';

/** Values a `password=` / `secret:` assignment carries that are code or examples, not secrets. */
const notALiteral =
  /[(){}[\]<>$`\\?]|:\/\/|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|^(?:true|false|null|none|undefined|required|optional|string|number)$|^[a-z]+(?:[A-Z][a-z]+)+$|^[A-Za-z_]+\.[A-Za-z_.]+$|^[a-z]+(?:[-_][a-z]+)+$|^\*+$|^x+$|your[-_]|changeme|example|placeholder|redacted|<|^\/|^\.{1,2}\//i;

/** JWT: the header segment must decode to a JSON object naming `alg` or `typ`. */
function isJwt(value: string): boolean {
  const header = value.slice(0, value.indexOf('.'));
  try {
    const decoded = Buffer.from(header, 'base64url').toString('utf8');
    return /^\{\s*"(?:alg|typ|kid)"/.test(decoded) || /"alg"\s*:/.test(decoded);
  } catch {
    return false;
  }
}

/**
 * The gateway's own secret rules: the families secretlint's preset does not cover (or covers
 * only in older formats), plus generic assignments judged by entropy.
 */
export const secretRules: readonly RegexRule[] = [
  {
    id: 'aws-access-key-id',
    category: 'secrets',
    trigger: 'A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)[A-Z0-9]{16}',
    anchors: ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA'],
    before: 2,
    after: 24,
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    accept: (value) => !value.endsWith('EXAMPLE') && /\d/.test(value.slice(4)),
  },
  {
    id: 'openai-key',
    category: 'secrets',
    trigger: 'sk-(?:proj|svcacct|admin)-',
    anchors: ['sk-'],
    before: 2,
    after: 260,
    pattern: new RegExp(`(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-${token}{40,250}(?!${token})`, 'g'),
    accept: (value) => characterClasses(value.slice(8)) >= 2 && shannonEntropy(value) > 3.5,
  },
  {
    id: 'google-api-key',
    category: 'secrets',
    trigger: 'AIza',
    anchors: ['AIza'],
    before: 2,
    after: 44,
    pattern: new RegExp(`(?<![A-Za-z0-9_-])AIza${token}{35}(?!${token})`, 'g'),
  },
  {
    id: 'pypi-token',
    category: 'secrets',
    trigger: 'pypi-AgE',
    anchors: ['pypi-AgE'],
    before: 2,
    after: 400,
    pattern: new RegExp(`(?<![A-Za-z0-9_-])pypi-AgE[A-Za-z0-9]{10,20}${token}{40,300}(?!${token})`, 'g'),
  },
  {
    id: 'twilio-api-key',
    category: 'secrets',
    trigger: 'SK[0-9a-fA-F]{32}',
    anchors: ['SK'],
    before: 2,
    after: 36,
    pattern: /(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])/g,
    accept: (value) => shannonEntropy(value.slice(2)) > 3,
  },
  {
    // secretlint's SendGrid rule allows one `-`/`_` in the last part; real keys carry more.
    id: 'sendgrid-key',
    category: 'secrets',
    trigger: 'SG\\.[\\w-]{22}\\.',
    anchors: ['SG.'],
    before: 2,
    after: 72,
    pattern: new RegExp(`(?<![A-Za-z0-9_-])SG\\.${token}{22}\\.${token}{43}(?!${token})`, 'g'),
  },
  {
    id: 'jwt',
    category: 'secrets',
    trigger: 'eyJ[A-Za-z0-9_-]{8}',
    anchors: ['eyJ'],
    before: 2,
    after: 8192,
    pattern: new RegExp(`(?<![A-Za-z0-9_-])eyJ${token}{8,2048}\\.eyJ${token}{8,6000}\\.${token}{16,1024}(?![A-Za-z0-9_.-])`, 'g'),
    accept: isJwt,
  },
  {
    // `password=…`, `"client_secret": "…"`, `export API_TOKEN=…`: the value only, when it looks random.
    id: 'generic-secret',
    category: 'secrets',
    // One alternation: measured faster than a pass per literal (docs/guardrails.md).
    trigger: '[Pp]ass(?:w|phrase)|PASS(?:W|PHRASE)|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Aa]pi_?[Kk]ey|API_?KEY|[Cc]redential|CREDENTIAL|_PWD|_pwd',
    anchors: [
      'Pass',
      'pass',
      'PASS',
      'Secret',
      'secret',
      'SECRET',
      'Token',
      'token',
      'TOKEN',
      'Api',
      'api',
      'API',
      'Credential',
      'credential',
      'CREDENTIAL',
      '_PWD',
      '_pwd',
    ],
    before: 2,
    after: 240,
    // Starts at the keyword (no leading name part: a class that overlaps the keyword would backtrack).
    pattern:
      /(?:pass(?:word|wd|phrase)|secret|token|api_?key|credentials?|_pwd)[A-Za-z0-9_.-]{0,24}["']?[ \t]{0,4}(?::|=|:=|=>)[ \t]{0,4}["']?(?<value>[^\s"'`,;]{8,200})/gi,
    accept: (value) => {
      if (notALiteral.test(value)) return false;
      const classes = characterClasses(value);
      const entropy = shannonEntropy(value);
      return value.length >= 16 ? classes >= 2 && entropy >= 3.2 : classes >= 3 && entropy >= 2.8;
    },
  },
  {
    id: 'bearer-token',
    category: 'secrets',
    trigger: 'Bearer[ \\t]',
    anchors: ['Bearer'],
    before: 2,
    after: 520,
    pattern: /Bearer[ \t]{1,4}(?<value>[A-Za-z0-9._~+/-]{20,500}=*)/g,
    accept: (value) => !notALiteral.test(value) && characterClasses(value) >= 2 && shannonEntropy(value) >= 3.5,
  },
];
