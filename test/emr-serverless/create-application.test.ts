import { Duration, Stack, aws_ec2 as ec2, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import {
  EmrServerlessApplicationType, EmrServerlessArchitecture, EmrServerlessCreateApplication, EmrServerlessCreateApplicationProps, EmrServerlessDiskType,
  EmrServerlessStartApplication,
} from '../../src';
import { MATRIX, expectLeastPrivilegeIam, expectValidAsl, renderChainable, renderIntrinsics, runPlaced, statementsForRole } from '../support';

const PROPS: EmrServerlessCreateApplicationProps = { releaseLabel: 'emr-7.5.0', applicationType: EmrServerlessApplicationType.SPARK };
const SLR = {
  Action: ['iam:CreateServiceLinkedRole'],
  Resource: 'arn:aws:iam::123456789012:role/aws-service-role/ops.emr-serverless.amazonaws.com/AWSServiceRoleForAmazonEMRServerless*',
  Condition: { StringLike: { 'iam:AWSServiceName': 'ops.emr-serverless.amazonaws.com' } },
};

function render(make: (scope: Stack) => sfn.State) {
  let task!: sfn.State;
  const { definition, stack } = renderChainable((scope) => (task = make(scope as Stack)));
  expectValidAsl(definition);
  return { state: definition.States[task.stateId], stack };
}

describe('exact ASL', () => {
  test('.sync (the default), JSONPath, every field', () => {
    // GIVEN / WHEN
    const { state } = render((scope) => EmrServerlessCreateApplication.jsonPath(scope, 'Create', {
      ...PROPS,
      applicationName: 'nightly-spark',
      architecture: EmrServerlessArchitecture.ARM64,
      maximumCapacity: { cpu: '200 vCPU', memory: '800 GB', disk: '1000 GB' },
      autoStopIdleTimeout: Duration.minutes(30),
      tags: { team: 'data' },
    }));
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: 'arn:aws:states:::emr-serverless:createApplication.sync',
      Parameters: {
        Name: 'nightly-spark',
        ReleaseLabel: 'emr-7.5.0',
        Type: 'SPARK',
        Architecture: 'ARM64',
        MaximumCapacity: { Cpu: '200 vCPU', Memory: '800 GB', Disk: '1000 GB' },
        AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: 30 },
        Tags: { team: 'data' },
      },
    });
  });

  test('every configuration member, both languages, exactly (subnets and security groups rendered as their ids)', () => {
    // GIVEN
    const props = (scope: Stack): EmrServerlessCreateApplicationProps => {
      const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
        vpcId: 'vpc-1', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-a', 'subnet-b'],
      });
      return {
        ...PROPS,
        integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
        initialCapacity: [
          { workerType: 'Driver', workerCount: 1, cpu: '2 vCPU', memory: '4 GB' },
          { workerType: 'Executor', workerCount: 4, cpu: '4 vCPU', memory: '16 GB', disk: '200 GB', diskType: EmrServerlessDiskType.SHUFFLE_OPTIMIZED },
        ],
        autoStart: false,
        autoStop: true,
        autoStopIdleTimeout: Duration.minutes(20),
        vpc,
        securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(scope, 'Sg', 'sg-1')],
        imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:7.5.0',
        runtimeConfiguration: [{ classification: 'spark-defaults', properties: { 'spark.executor.cores': '4' } }],
        monitoring: { s3LogUri: 's3://logs-bucket/apps/', managedPersistence: false },
        interactive: { studioEnabled: true, livyEndpointEnabled: false },
        scheduler: { queueTimeout: Duration.hours(1), maxConcurrentRuns: 20 },
      };
    };
    const request = {
      ReleaseLabel: 'emr-7.5.0',
      Type: 'SPARK',
      InitialCapacity: {
        Driver: { WorkerCount: 1, WorkerConfiguration: { Cpu: '2 vCPU', Memory: '4 GB' } },
        Executor: { WorkerCount: 4, WorkerConfiguration: { Cpu: '4 vCPU', Memory: '16 GB', Disk: '200 GB', DiskType: 'SHUFFLE_OPTIMIZED' } },
      },
      AutoStartConfiguration: { Enabled: false },
      AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: 20 },
      NetworkConfiguration: { SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1'] },
      ImageConfiguration: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:7.5.0' },
      RuntimeConfiguration: [{ Classification: 'spark-defaults', Properties: { 'spark.executor.cores': '4' } }],
      MonitoringConfiguration: { S3MonitoringConfiguration: { LogUri: 's3://logs-bucket/apps/' }, ManagedPersistenceMonitoringConfiguration: { Enabled: false } },
      InteractiveConfiguration: { StudioEnabled: true, LivyEndpointEnabled: false },
      SchedulerConfiguration: { QueueTimeoutMinutes: 60, MaxConcurrentRuns: 20 },
    };
    // WHEN / THEN
    expect(render((scope) => EmrServerlessCreateApplication.jsonPath(scope, 'Create', props(scope))).state).toEqual({
      Type: 'Task', End: true, Resource: 'arn:aws:states:::emr-serverless:createApplication', Parameters: request,
    });
    expect(render((scope) => EmrServerlessCreateApplication.jsonata(scope, 'Create', props(scope))).state).toEqual({
      Type: 'Task', QueryLanguage: 'JSONata', End: true, Resource: 'arn:aws:states:::emr-serverless:createApplication', Arguments: request,
    });
  });

  test('autoStop: false turns idle stopping off; run-time values in JSONPath and JSONata', () => {
    const off = render((scope) => EmrServerlessCreateApplication.jsonPath(scope, 'Create', { ...PROPS, autoStop: false })).state;
    expect(off.Parameters.AutoStopConfiguration).toEqual({ Enabled: false });
    const dyn = (): EmrServerlessCreateApplicationProps => ({
      ...PROPS,
      imageUri: sfn.JsonPath.stringAt('$.image'),
      scheduler: { maxConcurrentRuns: sfn.JsonPath.numberAt('$.runs') },
      initialCapacity: [{ workerType: 'Driver', workerCount: sfn.JsonPath.numberAt('$.drivers'), cpu: '2 vCPU', memory: '4 GB' }],
    });
    const p = render((scope) => EmrServerlessCreateApplication.jsonPath(scope, 'Create', dyn())).state.Parameters;
    expect(p).toEqual(expect.objectContaining({
      ImageConfiguration: { 'ImageUri.$': '$.image' },
      SchedulerConfiguration: { 'MaxConcurrentRuns.$': '$.runs' },
      InitialCapacity: { Driver: { 'WorkerCount.$': '$.drivers', 'WorkerConfiguration': { Cpu: '2 vCPU', Memory: '4 GB' } } },
    }));
    const a = render((scope) => EmrServerlessCreateApplication.jsonata(scope, 'Create', dyn())).state.Arguments;
    expect(a).toEqual(expect.objectContaining({
      ImageConfiguration: { ImageUri: '{% $states.input.image %}' },
      SchedulerConfiguration: { MaxConcurrentRuns: '{% $states.input.runs %}' },
      InitialCapacity: { Driver: { WorkerCount: '{% $states.input.drivers %}', WorkerConfiguration: { Cpu: '2 vCPU', Memory: '4 GB' } } },
    }));
  });

  test('REQUEST_RESPONSE, JSONata, a run-time name', () => {
    const { state } = render((scope) => EmrServerlessCreateApplication.jsonata(scope, 'Create', {
      ...PROPS, applicationName: '{% $states.input.name %}', integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    }));
    expect(state).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      End: true,
      Resource: 'arn:aws:states:::emr-serverless:createApplication',
      Arguments: { Name: '{% $states.input.name %}', ReleaseLabel: 'emr-7.5.0', Type: 'SPARK' },
    });
  });
});

describe('IAM, as the developer guide shows for CreateApplication', () => {
  test('.sync', async () => {
    const { stack } = render((scope) => EmrServerlessCreateApplication.jsonPath(scope, 'Create', PROPS));
    expect(renderIntrinsics(statementsForRole(stack))).toEqual([
      expect.objectContaining({ Action: ['emr-serverless:CreateApplication'], Resource: 'arn:aws:emr-serverless:us-east-1:123456789012:/*' }),
      expect.objectContaining({ Action: ['emr-serverless:GetApplication', 'emr-serverless:DeleteApplication'], Resource: 'arn:aws:emr-serverless:us-east-1:123456789012:/applications/*' }),
      expect.objectContaining({ Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForEMRServerlessApplicationRule' }),
      expect.objectContaining(SLR),
    ]);
    await expectLeastPrivilegeIam(stack);
  });

  test('REQUEST_RESPONSE: CreateApplication and the service-linked role only', () => {
    const { stack } = render((scope) => EmrServerlessCreateApplication.jsonPath(scope, 'Create', { ...PROPS, integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE }));
    expect(renderIntrinsics(statementsForRole(stack))).toEqual([
      expect.objectContaining({ Action: ['emr-serverless:CreateApplication'] }),
      expect.objectContaining(SLR),
    ]);
  });
});

describe('validation at synth', () => {
  test.each([
    ['releaseLabel', { releaseLabel: 'emr 7' }, /Create: releaseLabel must be letters, digits and/],
    ['releaseLabel missing', { releaseLabel: undefined }, /releaseLabel must be given \(required\)/],
    ['applicationType', { applicationType: 'FLINK' }, /applicationType must be EmrServerlessApplicationType.SPARK or HIVE; got "FLINK"/],
    ['architecture', { architecture: 'ARM' }, /architecture must be EmrServerlessArchitecture.X86_64 or ARM64/],
    ['applicationName', { applicationName: 'a'.repeat(65) }, /applicationName must be between 1 and 64/],
    ['applicationName pattern', { applicationName: 'my app' }, /applicationName must be letters, digits and/],
    ['autoStopIdleTimeout range', { autoStopIdleTimeout: Duration.days(8) }, /autoStopIdleTimeout must be between/],
    ['autoStopIdleTimeout minutes', { autoStopIdleTimeout: Duration.seconds(90) }, /autoStopIdleTimeout must be a whole number of minutes/],
    ['maximumCapacity.cpu', { maximumCapacity: { memory: '8 GB' } }, /maximumCapacity.cpu must be given \(required\)/],
    ['tags value', { tags: { k: 'v'.repeat(257) } }, /tags.k must be between 0 and 256/],
    ['tags key pattern', { tags: { 'a,b': 'v' } }, /tags key "a,b" must be letters, digits, spaces and/],
    ['maximumCapacity.cpu pattern', { maximumCapacity: { cpu: '4 cores', memory: '8 GB' } }, /maximumCapacity.cpu must be a whole number of vCPU/],
    ['maximumCapacity.memory pattern', { maximumCapacity: { cpu: '4', memory: '8 GiB' } }, /maximumCapacity.memory must be a whole number of GB/],
    ['maximumCapacity.disk pattern', { maximumCapacity: { cpu: '4', memory: '8', disk: '200' } }, /maximumCapacity.disk must be a whole number of GB/],
    ['autoStopIdleTimeout with autoStop false', { autoStop: false, autoStopIdleTimeout: Duration.minutes(5) }, /autoStopIdleTimeout must be left out when autoStop is false/],
    ['initialCapacity empty', { initialCapacity: [] }, /initialCapacity must be a list of 1 to 10 items/],
    ['initialCapacity count', { initialCapacity: Array.from({ length: 11 }, (_, i) => ({ workerType: `W${'a'.repeat(i + 1)}`, workerCount: 1, cpu: '1', memory: '2' })) }, /initialCapacity must be a list of 1 to 10 items/],
    ['initialCapacity duplicate', { initialCapacity: [{ workerType: 'Driver', workerCount: 1, cpu: '1', memory: '2' }, { workerType: 'Driver', workerCount: 2, cpu: '1', memory: '2' }] }, /initialCapacity workerType must be unique; got "Driver"/],
    ['initialCapacity workerType', { initialCapacity: [{ workerType: 'Driver1', workerCount: 1, cpu: '1', memory: '2' }] }, /initialCapacity\[0\].workerType must be a worker type/],
    ['initialCapacity workerCount', { initialCapacity: [{ workerType: 'Driver', workerCount: 0, cpu: '1', memory: '2' }] }, /initialCapacity\[0\].workerCount must be an integer between 1 and 1000000/],
    ['initialCapacity cpu', { initialCapacity: [{ workerType: 'Driver', workerCount: 1, cpu: '0', memory: '2' }] }, /initialCapacity\[0\].cpu must be a whole number of vCPU/],
    ['initialCapacity diskType', { initialCapacity: [{ workerType: 'Driver', workerCount: 1, cpu: '1', memory: '2', diskType: 'FAST' }] }, /initialCapacity\[0\].diskType must be EmrServerlessDiskType.STANDARD or SHUFFLE_OPTIMIZED/],
    ['initialCapacity workerType JSONata', { initialCapacity: [{ workerType: '{% $states.input.w %}', workerCount: 1, cpu: '1', memory: '2' }] }, /initialCapacity\[0\].workerType must be a literal/],
    ['imageUri', { imageUri: 'spark:latest' }, /imageUri must be an image URI with a tag or digest/],
    ['scheduler.queueTimeout range', { scheduler: { queueTimeout: Duration.minutes(10) } }, /scheduler.queueTimeout must be between 15 minutes and 12 hours/],
    ['scheduler.queueTimeout minutes', { scheduler: { queueTimeout: Duration.seconds(1000) } }, /scheduler.queueTimeout must be a whole number of minutes/],
    ['scheduler.maxConcurrentRuns', { scheduler: { maxConcurrentRuns: 1001 } }, /scheduler.maxConcurrentRuns must be an integer between 1 and 1000/],
    ['runtimeConfiguration classification', { runtimeConfiguration: [{ classification: ' ' }] }, /runtimeConfiguration\[0\].classification must be not blank/],
    ['monitoring logGroupName', { monitoring: { cloudWatchLogs: { logGroupName: 'a b' } } }, /monitoring.cloudWatchLogs.logGroupName must be letters, digits/],
    ['securityGroups without vpc', { securityGroups: [] }, /securityGroups must be given with vpc/],
  ])('%s', (_name, extra, error) => {
    for (const factory of [EmrServerlessCreateApplication.jsonPath, EmrServerlessCreateApplication.jsonata]) {
      expect(() => factory(new Stack(), 'Create', { ...PROPS, ...extra } as any)).toThrow(error);
    }
  });
});

describe('validation at synth: the network configuration', () => {
  const vpcIn = (scope: Stack, subnets: number) => ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: Array.from({ length: subnets }, (_, i) => `us-east-1${String.fromCharCode(97 + (i % 6))}`),
    privateSubnetIds: Array.from({ length: subnets }, (_, i) => `subnet-${i}`),
  });
  test.each([
    ['17 subnets', (s: Stack) => ({ vpc: vpcIn(s, 17) }), /vpcSubnets must be a list of 1 to 16 items/],
    ['6 security groups', (s: Stack) => ({ vpc: vpcIn(s, 2), securityGroups: Array.from({ length: 6 }, (_, i) => ec2.SecurityGroup.fromSecurityGroupId(s, `Sg${i}`, `sg-${i}`)) }), /securityGroups must be a list of 0 to 5 items/],
    ['no subnet selected', (s: Stack) => ({ vpc: vpcIn(s, 2), vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }), /vpcSubnets/],
  ])('%s', (_name, extra, error) => {
    for (const factory of [EmrServerlessCreateApplication.jsonPath, EmrServerlessCreateApplication.jsonata]) {
      const stack = new Stack();
      expect(() => factory(stack, 'Create', { ...PROPS, ...extra(stack) } as any)).toThrow(error);
    }
  });

  test('IAM: a VPC adds no statement (EMR Serverless creates the network interfaces with its service-linked role)', () => {
    const { stack } = render((scope) => EmrServerlessCreateApplication.jsonPath(scope, 'Create', { ...PROPS, vpc: vpcIn(scope, 2) }));
    expect(JSON.stringify(statementsForRole(stack))).not.toMatch(/ec2:/);
  });
});

describe.each(MATRIX)('executed offline: %s, %s', (language, placement) => {
  test('the configuration reaches the integration as the API takes it', async () => {
    const requests: any[] = [];
    const run = await runPlaced((scope: any) => new EmrServerlessCreateApplication(scope, 'Create', {
      ...PROPS,
      initialCapacity: [{ workerType: 'Driver', workerCount: 1, cpu: '2 vCPU', memory: '4 GB' }],
      autoStart: true,
      scheduler: { maxConcurrentRuns: 5 },
      interactive: { livyEndpointEnabled: true },
    }), {
      language,
      placement,
      taskHandler: ({ request }) => {
        requests.push(request);
        return { result: { ApplicationId: '00f1new', Name: 'n', Arn: 'arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1new' } };
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(requests).toEqual([{
      ReleaseLabel: 'emr-7.5.0',
      Type: 'SPARK',
      InitialCapacity: { Driver: { WorkerCount: 1, WorkerConfiguration: { Cpu: '2 vCPU', Memory: '4 GB' } } },
      AutoStartConfiguration: { Enabled: true },
      InteractiveConfiguration: { LivyEndpointEnabled: true },
      SchedulerConfiguration: { MaxConcurrentRuns: 5 },
    }]);
  });


  test('create then start the new application (its id from the result); a failed create fails the execution', async () => {
    const build = (scope: any) => new EmrServerlessCreateApplication(scope, 'Create', PROPS)
      .next(new EmrServerlessStartApplication(scope, 'Start', {
        applicationId: language === 'JSONata' ? '{% $states.input.ApplicationId %}' : sfn.JsonPath.stringAt('$.ApplicationId'),
      }));
    const calls: any[] = [];
    const ok = await runPlaced(build, {
      language,
      placement,
      taskHandler: ({ stateName, request }) => {
        calls.push([stateName, request]);
        return stateName === 'Create'
          ? { result: { ApplicationId: '00f1new', Name: 'n', Arn: 'arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1new' } }
          : { result: { ApplicationId: request.ApplicationId } };
      },
    });
    expect(ok.status).toBe('SUCCEEDED');
    expect(calls).toEqual([['Create', { ReleaseLabel: 'emr-7.5.0', Type: 'SPARK' }], ['Start', { ApplicationId: '00f1new' }]]);

    const failed = await runPlaced(build, {
      language,
      placement,
      taskHandler: () => ({ error: 'EMRServerless.ValidationException', cause: 'Release label emr-7.5.0 is not supported' }),
    });
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('EMRServerless.ValidationException');
  });
});
