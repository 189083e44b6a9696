/**
 * Pure checks for the Kubernetes names a user types. Each returns `undefined` when the value is fine,
 * or one sentence naming exactly what is wrong (safe to show; the value is shortened).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Shortens user text for an error message. */
export function showValue(value: string, max = 60): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${shown}"`;
}

function describeNameProblem(value: string, what: string, max: number, dots: boolean): string | undefined {
  if (value === '') return `${what} is empty`;
  if (value.length > max) return `${what} is ${value.length} characters long; the limit is ${max}`;
  const pattern = dots ? DNS_SUBDOMAIN : DNS_LABEL;
  if (pattern.test(value)) return undefined;
  const allowed = dots ? "lowercase letters, digits, '-' and '.'" : "lowercase letters, digits and '-'";
  let why = `may contain only ${allowed}, and must start and end with a letter or digit`;
  if (value.includes('/')) why = "must not contain '/'";
  else if (value.includes('..')) why = "must not contain '..'";
  else if (/[A-Z]/.test(value)) why = 'must be lowercase';
  else if (value.includes('_')) why = "must not contain '_'";
  return `${what} ${showValue(value)} is not a valid name: it ${why}`;
}

/** DNS-1123 label (≤ 63): namespaces and container names. */
export function checkDnsLabel(value: string, what: string): string | undefined {
  return describeNameProblem(value, what, 63, false);
}

/** DNS-1123 subdomain (≤ 253): pod and workload names. */
export function checkDnsSubdomain(value: string, what: string): string | undefined {
  return describeNameProblem(value, what, 253, true);
}

function checkLabelKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    const problem = checkDnsSubdomain(prefix, 'label key prefix');
    if (problem) return problem;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key ${showValue(key)} is not valid: use letters, digits, '-', '_' and '.', at most 63 characters`;
  }
  return undefined;
}

/**
 * Equality-based label selector `k=v,k2==v2`. Set-based (`in`, `notin`, `!=`, bare keys) is refused
 * so a selector always narrows to labelled pods.
 */
export function checkLabelSelector(selector: string): string | undefined {
  if (selector === '') return 'the label selector is empty';
  if (selector.length > 1000)
    return `the label selector is ${selector.length} characters long; the limit is 1000`;
  for (const term of selector.split(',')) {
    const match = /^([^=!]+)(==|=)([^=!]*)$/.exec(term);
    if (!match) {
      return `selector term ${showValue(term)} is not supported: use key=value pairs separated by commas`;
    }
    const keyProblem = checkLabelKey(match[1]!);
    if (keyProblem) return keyProblem;
    const value = match[3]!;
    if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      return `label value ${showValue(value)} is not valid: use letters, digits, '-', '_' and '.', at most 63 characters`;
    }
  }
  return undefined;
}
