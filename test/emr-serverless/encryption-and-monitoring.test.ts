/**
 * The members the first pass left untyped: KMS keys of the monitoring configurations and of the local disks, CloudWatch
 * log types, Prometheus monitoring, the client token (StartJobRun and CreateApplication); per-worker-type images, job
 * level cost allocation, IAM Identity Center and interactive sessions (CreateApplication). Exact ASL in both query
 * languages, the IAM each adds (or the lack of it, with the reason), every bound at synth, executed offline.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartJobRun.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html
 * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-log-encryption.html
 */
import { CfnParameter, Stack, aws_iam as iam, aws_kms as kms, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  EmrServerlessApplicationType, EmrServerlessCreateApplication, EmrServerlessCreateApplicationProps, EmrServerlessStartJobRun,
  EmrServerlessStartJobRunProps, JobDriver,
} from '../../src';
import { MATRIX, expectLeastPrivilegeIam, expectValidAsl, renderChainable, renderIntrinsics, runPlaced, statementsForRole } from '../support';

const KEY_ARN = (id: string) => `arn:aws:kms:us-east-1:123456789012:key/${id}`;
const key = (scope: Construct, id: string) => kms.Key.fromKeyArn(scope, `Key${id}`, KEY_ARN(id));
const PROMETHEUS = 'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1234abcd/api/v1/remote_write';
const SSO_INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

const runProps = (scope: Construct, extra: Partial<EmrServerlessStartJobRunProps> = {}): EmrServerlessStartJobRunProps => ({
  applicationId: '00f1abcdef123456',
  jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://code-bucket/etl.py' }),
  executionRole: iam.Role.fromRoleArn(scope, 'Given', 'arn:aws:iam::123456789012:role/emr-job', { mutable: false }),
  ...extra,
});

function fullRunProps(scope: Construct): EmrServerlessStartJobRunProps {
  return runProps(scope, {
    integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    jobRunName: 'etl',
    clientToken: 'run-2026-01-01.etl_1',
    configurationOverrides: {
      monitoring: {
        s3LogUri: 's3://logs-bucket/emr/',
        s3EncryptionKey: key(scope, 's3'),
        cloudWatchLogs: { logGroupName: '/emr/etl', encryptionKey: key(scope, 'cw'), logTypes: { SPARK_DRIVER: ['STDOUT', 'STDERR'], SPARK_EXECUTOR: ['STDERR'] } },
        managedPersistenceEncryptionKey: key(scope, 'mp'),
        prometheusRemoteWriteUrl: PROMETHEUS,
      },
      diskEncryption: { key: key(scope, 'disk'), encryptionContext: { team: 'data' } },
    },
  });
}

const FULL_RUN_REQUEST = {
  ApplicationId: '00f1abcdef123456',
  ExecutionRoleArn: 'arn:aws:iam::123456789012:role/emr-job',
  JobDriver: { SparkSubmit: { EntryPoint: 's3://code-bucket/etl.py' } },
  ConfigurationOverrides: {
    MonitoringConfiguration: {
      S3MonitoringConfiguration: { LogUri: 's3://logs-bucket/emr/', EncryptionKeyArn: KEY_ARN('s3') },
      CloudWatchLoggingConfiguration: {
        Enabled: true,
        LogGroupName: '/emr/etl',
        EncryptionKeyArn: KEY_ARN('cw'),
        LogTypes: { SPARK_DRIVER: ['STDOUT', 'STDERR'], SPARK_EXECUTOR: ['STDERR'] },
      },
      ManagedPersistenceMonitoringConfiguration: { EncryptionKeyArn: KEY_ARN('mp') },
      PrometheusMonitoringConfiguration: { RemoteWriteUrl: PROMETHEUS },
    },
    DiskEncryptionConfiguration: { EncryptionKeyArn: KEY_ARN('disk'), EncryptionContext: { team: 'data' } },
  },
  ClientToken: 'run-2026-01-01.etl_1',
  Name: 'etl',
};

const APP: EmrServerlessCreateApplicationProps = { releaseLabel: 'emr-7.8.0', applicationType: EmrServerlessApplicationType.SPARK };
const IMAGE = (tag: string) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:${tag}`;

function fullAppProps(scope: Construct): EmrServerlessCreateApplicationProps {
  return {
    ...APP,
    integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    clientToken: 'create-nightly',
    diskEncryption: { key: key(scope, 'disk') },
    workerTypeSpecifications: [{ workerType: 'Driver', imageUri: IMAGE('driver') }, { workerType: 'Executor', imageUri: IMAGE('executor') }],
    jobLevelCostAllocation: true,
    identityCenter: { instanceArn: SSO_INSTANCE, userBackgroundSessions: true },
    interactive: { livyEndpointEnabled: true, sessionEnabled: true },
    monitoring: { managedPersistence: true, managedPersistenceEncryptionKey: key(scope, 'mp'), prometheusRemoteWriteUrl: PROMETHEUS },
  };
}

const FULL_APP_REQUEST = {
  ReleaseLabel: 'emr-7.8.0',
  Type: 'SPARK',
  ClientToken: 'create-nightly',
  DiskEncryptionConfiguration: { EncryptionKeyArn: KEY_ARN('disk') },
  WorkerTypeSpecifications: {
    Driver: { ImageConfiguration: { ImageUri: IMAGE('driver') } },
    Executor: { ImageConfiguration: { ImageUri: IMAGE('executor') } },
  },
  JobLevelCostAllocationConfiguration: { Enabled: true },
  IdentityCenterConfiguration: { IdentityCenterInstanceArn: SSO_INSTANCE, UserBackgroundSessionsEnabled: true },
  InteractiveConfiguration: { LivyEndpointEnabled: true, SessionEnabled: true },
  MonitoringConfiguration: {
    ManagedPersistenceMonitoringConfiguration: { Enabled: true, EncryptionKeyArn: KEY_ARN('mp') },
    PrometheusMonitoringConfiguration: { RemoteWriteUrl: PROMETHEUS },
  },
};

function render(make: (scope: Stack) => sfn.State) {
  let task!: sfn.State;
  const { definition, stack } = renderChainable((scope) => (task = make(scope as Stack)));
  expectValidAsl(definition);
  return { state: definition.States[task.stateId], stack };
}

describe('exact ASL, both query languages', () => {
  test('StartJobRun: log and disk keys, log types, Prometheus, client token', () => {
    expect(render((s) => EmrServerlessStartJobRun.jsonPath(s, 'Run', fullRunProps(s))).state).toEqual({
      Type: 'Task', End: true, Resource: 'arn:aws:states:::emr-serverless:startJobRun', Parameters: FULL_RUN_REQUEST,
    });
    expect(render((s) => EmrServerlessStartJobRun.jsonata(s, 'Run', fullRunProps(s))).state).toEqual({
      Type: 'Task', QueryLanguage: 'JSONata', End: true, Resource: 'arn:aws:states:::emr-serverless:startJobRun', Arguments: FULL_RUN_REQUEST,
    });
  });

  test('StartJobRun: a run-time client token (JsonPath in JSONPath, converted in JSONata)', () => {
    const props = (s: Stack) => runProps(s, { clientToken: sfn.JsonPath.stringAt('$.token') });
    expect(render((s) => EmrServerlessStartJobRun.jsonPath(s, 'Run', props(s))).state.Parameters['ClientToken.$']).toBe('$.token');
    expect(render((s) => EmrServerlessStartJobRun.jsonata(s, 'Run', props(s))).state.Arguments.ClientToken).toBe('{% $states.input.token %}');
  });

  test('CreateApplication: disk key, worker type images, cost allocation, Identity Center, sessions, monitoring keys', () => {
    expect(render((s) => EmrServerlessCreateApplication.jsonPath(s, 'Create', fullAppProps(s))).state).toEqual({
      Type: 'Task', End: true, Resource: 'arn:aws:states:::emr-serverless:createApplication', Parameters: FULL_APP_REQUEST,
    });
    expect(render((s) => EmrServerlessCreateApplication.jsonata(s, 'Create', fullAppProps(s))).state).toEqual({
      Type: 'Task', QueryLanguage: 'JSONata', End: true, Resource: 'arn:aws:states:::emr-serverless:createApplication', Arguments: FULL_APP_REQUEST,
    });
  });

  test('a key made in the stack goes in as its ARN token', () => {
    const { state } = render((s) => EmrServerlessStartJobRun.jsonPath(s, 'Run', runProps(s, {
      configurationOverrides: { diskEncryption: { key: new kms.Key(s, 'Disk') } },
    })));
    expect(state.Parameters.ConfigurationOverrides.DiskEncryptionConfiguration).toEqual({ EncryptionKeyArn: expect.stringMatching(/^\$\{Disk[0-9A-F]+\.Arn\}$/) });
  });
});

describe('IAM', () => {
  test('StartJobRun: kms:GenerateDataKey and kms:Decrypt on the log keys (jobs-log-encryption.html), nothing on the disk key', async () => {
    const { stack } = render((s) => EmrServerlessStartJobRun.jsonPath(s, 'Run', fullRunProps(s)));
    const statements = renderIntrinsics(statementsForRole(stack));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [KEY_ARN('s3'), KEY_ARN('cw'), KEY_ARN('mp')],
    }));
    expect(JSON.stringify(statements)).not.toContain(KEY_ARN('disk'));
    await expectLeastPrivilegeIam(stack);
  });

  test('StartJobRun: one key for all logs appears once; no log key, no kms statement', () => {
    const shared = render((s) => {
      const k = key(s, 'one');
      return EmrServerlessStartJobRun.jsonPath(s, 'Run', runProps(s, {
        configurationOverrides: { monitoring: { s3LogUri: 's3://b/l/', s3EncryptionKey: k, cloudWatchLogs: { encryptionKey: k } } },
      }));
    });
    expect(renderIntrinsics(statementsForRole(shared.stack))).toContainEqual(expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_ARN('one') }));
    const none = render((s) => EmrServerlessStartJobRun.jsonPath(s, 'Run', runProps(s, { configurationOverrides: { diskEncryption: { key: key(s, 'disk') } } })));
    expect(JSON.stringify(statementsForRole(none.stack))).not.toMatch(/kms:/);
  });

  test('CreateApplication: the documented sso: actions on the instance and its applications; no kms statement (none documented for the caller)', async () => {
    const { stack } = render((s) => EmrServerlessCreateApplication.jsonPath(s, 'Create', fullAppProps(s)));
    const statements = renderIntrinsics(statementsForRole(stack));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: [
        'sso:DescribeInstance', 'sso:CreateApplication', 'sso:DeleteApplication', 'sso:PutApplicationAuthenticationMethod',
        'sso:PutApplicationAssignmentConfiguration', 'sso:PutApplicationGrant', 'sso:PutApplicationAccessScope',
      ],
      Resource: [SSO_INSTANCE, 'arn:aws:sso::123456789012:application/ssoins-1234567890abcdef/*'],
    }));
    expect(JSON.stringify(statements)).not.toMatch(/kms:/);
    await expectLeastPrivilegeIam(stack);
  });

  test('CreateApplication: a deploy-time instance ARN scopes the applications through Fn::Split', () => {
    const { stack } = render((s) => EmrServerlessCreateApplication.jsonPath(s, 'Create', {
      ...APP, identityCenter: { instanceArn: new CfnParameter(s, 'Instance').valueAsString },
    }));
    const sso = statementsForRole(stack).find((st: any) => JSON.stringify(st.Action).includes('sso:'))!;
    expect(JSON.stringify(sso.Resource)).toContain('Fn::Split');
    expect(JSON.stringify(sso.Resource)).not.toMatch(/\$\.|\{%/);
  });
});

describe('validation at synth, both query languages', () => {
  const run = (extra: (s: Stack) => Partial<EmrServerlessStartJobRunProps>) => (s: Stack, f: 'jsonPath' | 'jsonata') => EmrServerlessStartJobRun[f](s, 'Run', runProps(s, extra(s)) as any);
  const app = (extra: (s: Stack) => Partial<EmrServerlessCreateApplicationProps>) => (s: Stack, f: 'jsonPath' | 'jsonata') => EmrServerlessCreateApplication[f](s, 'Create', { ...APP, ...extra(s) } as any);
  const mon = (m: (s: Stack) => any) => run((s) => ({ configurationOverrides: { monitoring: m(s) } }));
  test.each([
    ['clientToken too long', run(() => ({ clientToken: 'a'.repeat(65) })), /Run: clientToken must be between 1 and 64/],
    ['clientToken pattern', run(() => ({ clientToken: 'a b' })), /Run: clientToken must be letters, digits and \._-/],
    ['an alias as a key', mon((s) => ({ s3EncryptionKey: kms.Alias.fromAliasName(s, 'A', 'alias/logs') })), /s3EncryptionKey must be a KMS key, not an alias/],
    ['a key ARN of another kind', mon((_s) => ({ s3EncryptionKey: { keyArn: 'arn:aws:kms:us-east-1:123456789012:alias/logs' } })), /s3EncryptionKey must be the ARN of a KMS key/],
    ['a run-time key', mon((_s) => ({ cloudWatchLogs: { encryptionKey: { keyArn: sfn.JsonPath.stringAt('$.key') } } })), /cloudWatchLogs.encryptionKey must be a KMS key known at synth or deploy time/],
    ['managed persistence key with persistence off', mon((s) => ({ managedPersistence: false, managedPersistenceEncryptionKey: key(s, 'mp') })), /managedPersistenceEncryptionKey must be left out when managedPersistence is false/],
    ['logTypes empty', mon(() => ({ cloudWatchLogs: { logTypes: {} } })), /logTypes must be an object of 1 to 4 worker types/],
    ['logTypes worker', mon(() => ({ cloudWatchLogs: { logTypes: { DRIVER: ['STDOUT'] } } })), /logTypes key "DRIVER" must be one of SPARK_DRIVER, SPARK_EXECUTOR, HIVE_DRIVER, TEZ_TASK/],
    ['logTypes empty list', mon(() => ({ cloudWatchLogs: { logTypes: { SPARK_DRIVER: [] } } })), /logTypes.SPARK_DRIVER must be a list of 1 to 5 items/],
    ['logTypes value', mon(() => ({ cloudWatchLogs: { logTypes: { SPARK_DRIVER: ['stdout'] } } })), /logTypes.SPARK_DRIVER\[0\] must be one of STDOUT, STDERR, HIVE_LOG, TEZ_AM, SYSTEM_LOGS/],
    ['prometheus URL', mon(() => ({ prometheusRemoteWriteUrl: 'https://example.com/api/v1/remote_write' })), /prometheusRemoteWriteUrl must be the remote write URL of an Amazon Managed Service for Prometheus workspace/],
    ['disk encryption context size', run((s) => ({ configurationOverrides: { diskEncryption: { key: key(s, 'd'), encryptionContext: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v'])) } } })), /diskEncryption.encryptionContext must be at most 8 entries/],
    ['disk encryption context value', run((s) => ({ configurationOverrides: { diskEncryption: { key: key(s, 'd'), encryptionContext: { k: '' } } } })), /diskEncryption.encryptionContext.k must be between 1 and 384/],
    ['workerTypeSpecifications with imageUri', app(() => ({ imageUri: IMAGE('all'), workerTypeSpecifications: [{ workerType: 'Driver', imageUri: IMAGE('d') }, { workerType: 'Executor', imageUri: IMAGE('e') }] })), /workerTypeSpecifications must be left out when imageUri is given/],
    ['workerTypeSpecifications incomplete', app(() => ({ workerTypeSpecifications: [{ workerType: 'Driver', imageUri: IMAGE('d') }] })), /workerTypeSpecifications must be every worker type of a SPARK application and no other \(Driver, Executor\); got "Driver"/],
    ['workerTypeSpecifications of Hive on Spark', app(() => ({ workerTypeSpecifications: [{ workerType: 'HiveDriver', imageUri: IMAGE('d') }, { workerType: 'TezTask', imageUri: IMAGE('e') }] })), /workerTypeSpecifications must be every worker type of a SPARK application/],
    ['workerTypeSpecifications image', app(() => ({ workerTypeSpecifications: [{ workerType: 'Driver', imageUri: 'spark' }] })), /workerTypeSpecifications\[0\].imageUri must be an image URI with a tag or digest/],
    ['workerTypeSpecifications duplicate', app(() => ({ workerTypeSpecifications: [{ workerType: 'Driver', imageUri: IMAGE('a') }, { workerType: 'Driver', imageUri: IMAGE('b') }] })), /workerTypeSpecifications workerType must be unique/],
    ['identityCenter ARN', app(() => ({ identityCenter: { instanceArn: 'arn:aws:sso:::instance/abc' } })), /identityCenter.instanceArn must be the ARN of an IAM Identity Center instance/],
    ['identityCenter run-time ARN', app(() => ({ identityCenter: { instanceArn: sfn.JsonPath.stringAt('$.instance') } })), /identityCenter.instanceArn must be an ARN known at synth or deploy time/],
    ['CreateApplication clientToken', app(() => ({ clientToken: 'x'.repeat(65) })), /Create: clientToken must be between 1 and 64/],
    ['CreateApplication disk key alias', app((s) => ({ diskEncryption: { key: kms.Alias.fromAliasName(s, 'A', 'alias/disk') } })), /diskEncryption.key must be a KMS key, not an alias/],
  ])('%s', (_name, make, error) => {
    for (const f of ['jsonPath', 'jsonata'] as const) {
      expect(() => make(new Stack(), f)).toThrow(error);
    }
  });

  test('compliant neighbours pass: 4 worker types of log types, Hive worker images on a Hive application, a token of 64', () => {
    expect(() => EmrServerlessStartJobRun.jsonPath(new Stack(), 'Run', runProps(new Stack(), {
      clientToken: 'a'.repeat(64),
      configurationOverrides: { monitoring: { cloudWatchLogs: { logTypes: { SPARK_DRIVER: ['STDOUT', 'STDERR', 'SYSTEM_LOGS', 'HIVE_LOG', 'TEZ_AM'], SPARK_EXECUTOR: ['STDERR'], HIVE_DRIVER: ['HIVE_LOG'], TEZ_TASK: ['STDERR'] } } } },
    }))).not.toThrow();
    expect(() => EmrServerlessCreateApplication.jsonata(new Stack(), 'Create', {
      releaseLabel: 'emr-7.8.0',
      applicationType: EmrServerlessApplicationType.HIVE,
      workerTypeSpecifications: [{ workerType: 'TezTask', imageUri: IMAGE('t') }, { workerType: 'HiveDriver', imageUri: IMAGE('h') }],
    })).not.toThrow();
  });
});

describe.each(MATRIX)('executed offline: %s, %s', (language, placement) => {
  test('StartJobRun: the keys, log types and a run-time client token reach the integration; a FAILED job run fails the state', async () => {
    const build = (scope: Construct) => new EmrServerlessStartJobRun(scope, 'Run', runProps(scope, {
      clientToken: sfn.JsonPath.stringAt('$.token'),
      configurationOverrides: {
        monitoring: { cloudWatchLogs: { encryptionKey: key(scope, 'cw'), logTypes: { SPARK_DRIVER: ['STDERR'] } }, prometheusRemoteWriteUrl: PROMETHEUS },
        diskEncryption: { key: key(scope, 'disk') },
      },
    }));
    const requests: any[] = [];
    const ok = await runPlaced(build, {
      language,
      placement,
      input: { token: 'exec-1' },
      taskHandler: ({ request }) => {
        requests.push(request);
        return { result: { JobRun: { ApplicationId: request.ApplicationId, JobRunId: 'jr1', State: 'SUCCESS' } } };
      },
    });
    expect(ok.status).toBe('SUCCEEDED');
    expect(requests[0]).toEqual(expect.objectContaining({
      ClientToken: 'exec-1',
      ConfigurationOverrides: {
        MonitoringConfiguration: {
          CloudWatchLoggingConfiguration: { Enabled: true, EncryptionKeyArn: KEY_ARN('cw'), LogTypes: { SPARK_DRIVER: ['STDERR'] } },
          PrometheusMonitoringConfiguration: { RemoteWriteUrl: PROMETHEUS },
        },
        DiskEncryptionConfiguration: { EncryptionKeyArn: KEY_ARN('disk') },
      },
    }));
    expect(ok.output.JobRun.State).toBe('SUCCESS');

    const failed = await runPlaced(build, {
      language,
      placement,
      input: { token: 'exec-2' },
      taskHandler: () => ({ error: 'States.TaskFailed', cause: JSON.stringify({ State: 'FAILED', StateDetails: 'KMS key not usable' }) }),
    });
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('States.TaskFailed');
  });

  test('CreateApplication: the new members reach the integration; a refused create fails the execution', async () => {
    const build = (scope: Construct) => new EmrServerlessCreateApplication(scope, 'Create', { ...fullAppProps(scope), integrationPattern: undefined });
    const requests: any[] = [];
    const ok = await runPlaced(build, {
      language,
      placement,
      taskHandler: ({ request }) => {
        requests.push(request);
        return { result: { ApplicationId: '00f1new', Name: 'n', Arn: 'arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1new' } };
      },
    });
    expect(ok.status).toBe('SUCCEEDED');
    expect(requests).toEqual([FULL_APP_REQUEST]);
    const refused = await runPlaced(build, {
      language,
      placement,
      taskHandler: () => ({ error: 'EMRServerless.ValidationException', cause: 'Identity Center is supported from emr-7.8.0' }),
    });
    expect(refused.status).toBe('FAILED');
    expect(refused.error).toBe('EMRServerless.ValidationException');
  });
});
