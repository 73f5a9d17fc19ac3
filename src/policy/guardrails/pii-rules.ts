import { ibanValid, luhnValid, ssnValid } from './checksums.ts';
import type { RegexRule } from './rule.ts';

/** Local parts that are addresses of machines, not people (`git@github.com:org/repo`). */
const machineLocalParts = /^(?:git|noreply|no-reply|ssh|root|ec2-user|ubuntu|admin|user|example|test|foo|bar)$/i;
const exampleDomains = /(?:^|\.)(?:example\.(?:com|org|net)|test|invalid|localhost|local|internal|users\.noreply\.github\.com|iam\.gserviceaccount\.com)$/i;

const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** PII rules: flagged by default (on code, a rewritten version string or port would hurt). */
export const piiRules: readonly RegexRule[] = [
  {
    id: 'email',
    category: 'pii',
    // The hit is the `@` (the address's local part is in the window before it).
    trigger: '(?<=[A-Za-z0-9])@[A-Za-z0-9]',
    anchors: [...alphanumerics].map((character) => `@${character}`),
    before: 67,
    after: 256,
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}(?![A-Za-z0-9-])/g,
    accept: (value) => {
      const at = value.indexOf('@');
      const domain = value.slice(at + 1);
      const tld = domain.slice(domain.lastIndexOf('.') + 1);
      return (
        /^[A-Za-z]{2,24}$/.test(tld) &&
        !machineLocalParts.test(value.slice(0, at)) &&
        !exampleDomains.test(domain) &&
        !/\.(?:js|ts|json|png|svg|css|md)$/i.test(domain)
      );
    },
  },
  {
    id: 'phone-number',
    category: 'pii',
    trigger: '\\+[1-9]\\d|\\(\\d{3}\\) ?\\d{3}-',
    anchors: [...'123456789'].map((digit) => `+${digit}`).concat([...'0123456789'].map((digit) => `(${digit}`)),
    before: 2,
    after: 24,
    pattern: /(?<![\w+])(?:\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}|\+[1-9]\d{9,14}|\(\d{3}\) ?\d{3}-\d{4})(?![\w.-])/g,
    accept: (value) => {
      const digits = value.replace(/\D/g, '').length;
      return digits >= 10 && digits <= 15;
    },
  },
  {
    id: 'credit-card',
    category: 'pii',
    trigger: '(?<!\\d)(?:4\\d{3}|5[1-5]\\d{2}|2[2-7]\\d{2}|3[47]\\d{2}|6(?:011|5\\d{2}))[ -]?\\d{4}',
    before: 2,
    after: 24,
    pattern: /(?<![\w.-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|3[47]\d{2}([ -]?)\d{6}\2\d{5})(?![\w-]|\.\d)/g,
    accept: luhnValid,
  },
  {
    id: 'iban',
    category: 'pii',
    trigger: '(?<![A-Za-z0-9])[A-Z]{2}\\d{2} ?[A-Z0-9]{4}',
    before: 2,
    after: 48,
    pattern: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
    accept: ibanValid,
  },
  {
    id: 'national-id',
    category: 'pii',
    trigger: '(?<![\\d-])\\d{3}-\\d{2}-\\d{4}(?![\\d-])',
    before: 2,
    after: 12,
    pattern: /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g,
    accept: ssnValid,
  },
];
