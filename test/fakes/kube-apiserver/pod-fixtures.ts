/** Real-shaped pods for tests against the fake API server. */
import type { PodInput } from './types.js';

/** A one-container pod (`app`, nginx) with labels `app=<name>`. */
export function aPod(
  name: string,
  namespace = 'default',
  overrides: Partial<PodInput['spec']> = {},
): PodInput {
  return {
    metadata: { name, namespace, labels: { app: name } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...overrides },
  };
}

/** A pod that passes Pod Security `restricted` (so adding a compliant ephemeral container is allowed). */
export function aRestrictedPod(name: string, namespace: string, runAsUser?: number): PodInput {
  return aPod(name, namespace, {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27',
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          ...(runAsUser !== undefined ? { runAsUser } : {}),
        },
      },
    ],
  });
}
