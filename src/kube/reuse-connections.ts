import type { Agent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

type CreateAgent = (cluster: { server?: string; proxyUrl?: string } | null, options: object) => Agent;

/**
 * client-node 1.4 builds a new (non-keep-alive) Agent for every API call, so every call opens a new TCP
 * and TLS connection. This keeps one keep-alive Agent per cluster and TLS material instead; a rotated
 * client certificate or CA gives a new key and therefore a new Agent.
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent: CreateAgent };
  const original = target.createAgent.bind(kc);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const key = JSON.stringify([cluster?.server, cluster?.proxyUrl, options]);
    let agent = agents.get(key);
    if (!agent) {
      agent = original(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
  return kc;
}
