/**
 * RBAC attributes of a request, derived like apiserver's `pkg/endpoints/request/requestinfo.go`,
 * and a tiny RBAC evaluator over Role-style rules.
 */
import { forbidden, type Reply } from './build-status-reply.js';

/** What the authorizer sees for one request. */
export interface RequestAttributes {
  isResourceRequest: boolean;
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

/** One PolicyRule of a Role/ClusterRole. `resources` uses the `pods/log` form for subresources. */
export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The least-privilege set the bot needs (mirrors deploy/rbac.yaml). */
export const LEAST_PRIVILEGE_RULES: readonly RbacRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

const METHOD_VERBS: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Mirrors `RequestInfoFactory.NewRequestInfo`. */
export function deriveRequestAttributes(
  method: string,
  pathname: string,
  query: URLSearchParams,
): RequestAttributes {
  const parts = pathname.split('/').filter((p) => p !== '');
  const info: RequestAttributes = {
    isResourceRequest: false,
    verb: (METHOD_VERBS[method] ?? method).toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    info.apiVersion = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    info.apiGroup = parts[1]!;
    info.apiVersion = parts[2]!;
    rest = parts.slice(3);
  } else {
    return info;
  }
  if (rest.length === 0) return info;
  info.isResourceRequest = true;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    info.namespace = rest[1]!;
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  info.resource = rest[0] ?? '';
  info.name = rest[1] ?? '';
  info.subresource = rest[2] ?? '';
  const watch = query.get('watch');
  const isWatch = watch === 'true' || watch === '1';
  if (info.name === '') {
    if (info.verb === 'get') info.verb = isWatch ? 'watch' : 'list';
    if (info.verb === 'delete') info.verb = 'deletecollection';
    const nameSelector = /(?:^|,)metadata\.name==?([^,]+)/.exec(query.get('fieldSelector') ?? '');
    if ((info.verb === 'list' || info.verb === 'watch') && nameSelector) info.name = nameSelector[1]!;
  } else if (info.verb === 'get' && isWatch) {
    info.verb = 'watch';
  }
  return info;
}

export function isAllowed(rules: readonly RbacRule[], attrs: RequestAttributes): boolean {
  if (!attrs.isResourceRequest) return true;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return rules.some(
    (rule) =>
      (rule.apiGroups.includes('*') || rule.apiGroups.includes(attrs.apiGroup)) &&
      (rule.resources.includes('*') || rule.resources.includes(resource)) &&
      (rule.verbs.includes('*') || rule.verbs.includes(attrs.verb)) &&
      (!rule.resourceNames?.length || rule.resourceNames.includes(attrs.name)),
  );
}

/** The 403 the RBAC authorizer produces (apiserver `responsewriters.forbiddenMessage`). */
export function rbacForbidden(attrs: RequestAttributes, user: string): Reply {
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const reason = `User "${user}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" ${scope}`;
  return forbidden(attrs.resource, attrs.name, reason, attrs.apiGroup);
}
