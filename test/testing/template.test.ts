import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { testing } from '../../src';

const { Workflow } = testing;

const definition = {
  StartAt: 'Call',
  States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'FN' }, End: true } },
};

function template(definitionString: any, extra: Record<string, any> = {}): any {
  return {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: definitionString } },
      ...extra,
    },
  };
}

describe('Workflow.fromTemplate', () => {
  test('Fn::Join with Ref, Fn::GetAtt and pseudo parameters resolve to stable placeholders', () => {
    // GIVEN
    const text = JSON.stringify(definition).split('"FN"');
    const t = template({
      'Fn::Join': ['', [text[0], '"arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':function:', { Ref: 'Fn' }, '/', { 'Fn::GetAtt': ['Fn', 'Arn'] }, '"', text[1]]],
    });
    // WHEN
    const wf = Workflow.fromTemplate(t);
    // THEN
    expect(wf.definition.States.Call.Parameters.FunctionName).toBe('arn:aws:lambda:us-east-1:123456789012:function:${Fn}/${Fn.Arn}');
  });

  test('Fn::Sub and DefinitionSubstitutions', () => {
    const t = template({ 'Fn::Sub': [JSON.stringify(definition).replace('FN', '${AWS::Region}-${Name}-${Fn.Arn}'), { Name: 'n' }] });
    expect(Workflow.fromTemplate(t).definition.States.Call.Parameters.FunctionName).toBe('us-east-1-n-${Fn.Arn}');
    const subst = template(JSON.stringify(definition).replace('FN', '${fn}'));
    subst.Resources.Machine.Properties.DefinitionSubstitutions = { fn: { 'Fn::GetAtt': ['Fn', 'Arn'] } };
    expect(Workflow.fromTemplate(subst).definition.States.Call.Parameters.FunctionName).toBe('${Fn.Arn}');
  });

  test('several state machines need a logical id; an unknown one is an error', () => {
    const t = template(JSON.stringify(definition), { Other: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify(definition) } } });
    expect(() => Workflow.fromTemplate(t)).toThrow(/2 AWS::StepFunctions::StateMachine resources \(Machine, Other\)/);
    expect(Workflow.fromTemplate(t, 'Other').definition).toEqual(definition);
    expect(() => Workflow.fromTemplate(t)).toThrow(/pick one with the stateMachine argument \(its logical id or StateMachineName\)/);
    expect(() => Workflow.fromTemplate(t, 'Nope')).toThrow(/no AWS::StepFunctions::StateMachine whose logical id or StateMachineName is 'Nope' \(has: Machine, Other\)/);
    expect(() => Workflow.fromTemplate({ Resources: {} })).toThrow(/0 AWS::StepFunctions::StateMachine/);
  });

  test('fromStateMachine synthesizes the stack and runs the state machine', async () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'S');
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    const invoke = new tasks.LambdaInvoke(stack, 'Invoke', { lambdaFunction: fn, payloadResponseOnly: true });
    const chain = invoke.next(new sfn.Succeed(stack, 'Done'));
    const sm = new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(chain) });
    // WHEN
    const wf = Workflow.fromStateMachine(sm);
    const requests: any[] = [];
    const taskHandler = { handle: (inv: testing.TaskInvocation) => { requests.push(inv.resource); return { result: { ok: true } }; } };
    const result = await wf.execute({ input: { a: 1 }, taskHandler });
    // THEN
    expect(requests).toEqual([expect.stringMatching(/^\$\{Fn[0-9A-F]+\.Arn\}$/)]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
  });
});
