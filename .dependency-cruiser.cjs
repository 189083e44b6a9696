/** Holds the hexagon's dependency direction (see README, Architecture). */
const adapters = ['slack', 'queue', 'kube'];
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-is-pure',
      comment: 'src/core imports no SDK and no other layer',
      severity: 'error',
      from: { path: '^src/core' },
      to: { pathNot: ['^src/core'], dependencyTypesNot: ['type-only', 'core'] },
    },
    {
      name: 'policy-and-transcript-are-pure',
      severity: 'error',
      from: { path: '^src/(policy|transcript)' },
      to: { path: ['^src/(slack|queue|kube|main|config)', '@slack', 'bullmq', 'ioredis', '@kubernetes'] },
    },
    ...adapters.map((a) => ({
      name: `${a}-imports-no-other-adapter`,
      severity: 'error',
      from: { path: `^src/${a}` },
      to: { path: `^src/(${adapters.filter((b) => b !== a).join('|')}|main)` },
    })),
    {
      name: 'only-slack-imports-slack-sdk',
      severity: 'error',
      from: { pathNot: ['^src/slack'], path: '^src' },
      to: { path: 'node_modules/@slack' },
    },
    {
      name: 'only-queue-imports-bullmq',
      severity: 'error',
      from: { pathNot: ['^src/queue'], path: '^src' },
      to: { path: 'node_modules/(bullmq|ioredis)' },
    },
    {
      name: 'only-kube-imports-client-node',
      severity: 'error',
      from: { pathNot: ['^src/kube'], path: '^src' },
      to: { path: 'node_modules/@kubernetes' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
