import { Duration, Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { EmrServerlessApplicationType, EmrServerlessArchitecture, EmrServerlessCreateApplication, EmrServerlessCreateApplicationProps, EmrServerlessStartApplication } from '../../src';
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
  ])('%s', (_name, extra, error) => {
    for (const factory of [EmrServerlessCreateApplication.jsonPath, EmrServerlessCreateApplication.jsonata]) {
      expect(() => factory(new Stack(), 'Create', { ...PROPS, ...extra } as any)).toThrow(error);
    }
  });
});

describe.each(MATRIX)('executed offline: %s, %s', (language, placement) => {
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
