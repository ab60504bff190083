/**
 * Issue 16, items 3–5 and 8: every construct that scopes IAM by a name, in both query languages, for every kind of
 * name, on every scoped statement of the state machine role and of the execution-stopped handler's role.
 *
 * - a literal goes into the ARN exactly, IAM's special characters escaped (`sales*` → `sales${*}`);
 * - a deploy-time token (a `CfnParameter`) goes in as the token;
 * - a run-time value gets `<literal prefix>*` only when the parsed expression is a concatenation starting with a
 *   literal, `*` on the name otherwise (`~>`, `? :`, a plain reference);
 * - SageMaker names (jobs, pipelines): both as given and lower-cased.
 */
import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { GlueCrawlerPollerJob, GlueWorkflowPollerJob, SageMakerCreateProcessingJob, SageMakerPipelinePollerJob } from '../../src';
import { checkResourceTypes, collectPolicyStatements, expressionsInIamArns, renderChainable, renderIntrinsics, Statement, statementsForRole } from '../support';

const JSON_PATH = sfn.QueryLanguage.JSON_PATH;
const JSONATA = sfn.QueryLanguage.JSONATA;
const REGION_ACCOUNT = 'us-east-1:123456789012';

/** A kind of name: how to write it in each language (undefined: not expressible there), and what IAM must say. */
interface NameKind {
  readonly label: string;
  readonly name: (scope: Construct, language: sfn.QueryLanguage) => string | undefined;
  /** The resource names expected, as given (and, for SageMaker, lower-cased). */
  readonly expected: { readonly asGiven: string; readonly lower?: string };
}

const KINDS: NameKind[] = [
  { label: 'literal', name: () => 'Sales', expected: { asGiven: 'Sales', lower: 'sales' } },
  { label: 'literal with *', name: () => 'sales*', expected: { asGiven: 'sales${*}' } },
  {
    label: 'from the input',
    name: (_s, l) => (l === JSONATA ? '{% $states.input.name %}' : sfn.JsonPath.stringAt('$.name')),
    expected: { asGiven: '*' },
  },
  {
    label: 'literal prefix + input',
    name: (_s, l) => (l === JSONATA ? "{% 'Sales-' & $states.input.suffix %}" : sfn.JsonPath.format('Sales-{}', sfn.JsonPath.stringAt('$.suffix'))),
    expected: { asGiven: 'Sales-*', lower: 'sales-*' },
  },
  {
    label: 'JSONata prefix then ~>',
    name: (_s, l) => (l === JSONATA ? "{% 'Sales-' & $states.input.suffix ~> $lowercase() %}" : undefined),
    expected: { asGiven: '*' },
  },
  {
    label: 'JSONata ? :',
    name: (_s, l) => (l === JSONATA ? "{% 'Sales-' & $states.input.suffix = 'Sales-x' ? 'Sales-a' : 'b' %}" : undefined),
    expected: { asGiven: '*' },
  },
  {
    label: 'deploy-time token',
    name: (s) => new CfnParameter(Stack.of(s), 'NameParameter').valueAsString,
    expected: { asGiven: '${NameParameter}' },
  },
];

/** A construct that scopes by name: how to build it, its ARN resource, the scoped actions per role. */
interface Subject {
  readonly label: string;
  readonly build: (scope: Construct, name: string, language: sfn.QueryLanguage) => sfn.IChainable;
  /** `arn:aws:<service>:<region>:<account>:<resource>/` */
  readonly arnPrefix: string;
  /** After the name, e.g. `/execution/*` for pipeline executions, per action. */
  readonly stateMachineActions: Record<string, string>;
  readonly handlerActions: Record<string, string>;
  readonly bothCases: boolean;
  /** SageMaker names allow letters, digits and dashes only: no `*` literal. */
  readonly allowsWildcardLiteral: boolean;
}

const SUBJECTS: Subject[] = [
  {
    label: 'GlueCrawlerPollerJob',
    build: (scope, crawlerName) => new GlueCrawlerPollerJob(scope, 'Crawl', { crawlerName }),
    arnPrefix: `arn:aws:glue:${REGION_ACCOUNT}:crawler/`,
    stateMachineActions: { 'glue:StartCrawler': '', 'glue:GetCrawler': '', 'glue:StopCrawler': '' },
    handlerActions: { 'glue:StopCrawler': '' },
    bothCases: false,
    allowsWildcardLiteral: true,
  },
  {
    label: 'GlueWorkflowPollerJob',
    build: (scope, workflowName) => new GlueWorkflowPollerJob(scope, 'Flow', { workflowName }),
    arnPrefix: `arn:aws:glue:${REGION_ACCOUNT}:workflow/`,
    stateMachineActions: { 'glue:StartWorkflowRun': '', 'glue:GetWorkflowRun': '', 'glue:StopWorkflowRun': '' },
    handlerActions: { 'glue:StopWorkflowRun': '' },
    bothCases: false,
    allowsWildcardLiteral: true,
  },
  {
    label: 'SageMakerPipelinePollerJob',
    build: (scope, pipelineName) => new SageMakerPipelinePollerJob(scope, 'Train', { pipelineName }),
    arnPrefix: `arn:aws:sagemaker:${REGION_ACCOUNT}:pipeline/`,
    stateMachineActions: {
      'sagemaker:StartPipelineExecution': '',
      'sagemaker:DescribePipelineExecution': '/execution/*',
      'sagemaker:StopPipelineExecution': '/execution/*',
    },
    handlerActions: { 'sagemaker:StopPipelineExecution': '/execution/*' },
    bothCases: true,
    allowsWildcardLiteral: false,
  },
  {
    label: 'SageMakerCreateProcessingJob',
    build: (scope, processingJobName, language) => {
      const props = { image: tasks.DockerImage.fromRegistry('000000000000.dkr.ecr.us-east-1.amazonaws.com/hello'), processingJobName };
      return language === JSONATA ? SageMakerCreateProcessingJob.jsonata(scope, 'Process', props) : SageMakerCreateProcessingJob.jsonPath(scope, 'Process', props);
    },
    arnPrefix: `arn:aws:sagemaker:${REGION_ACCOUNT}:processing-job/`,
    stateMachineActions: { 'sagemaker:CreateProcessingJob': '', 'sagemaker:DescribeProcessingJob': '', 'sagemaker:StopProcessingJob': '' },
    handlerActions: {},
    bothCases: true,
    allowsWildcardLiteral: false,
  },
];

/** The rendered resources of the statements granting `action`. */
function resourcesFor(statements: readonly Statement[], action: string): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow' && (s.Action ?? []).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r: unknown) => renderIntrinsics(r) as string));
}

function handlerStatements(stack: Stack): Statement[] {
  const byRole = collectPolicyStatements(stack);
  const ids = Object.keys(byRole).filter((id) => id.startsWith('CdkSfnJobsExecutionStopped'));
  expect(ids).toHaveLength(1);
  return byRole[ids[0]];
}

const CASES = SUBJECTS.flatMap((subject) => [JSON_PATH, JSONATA].flatMap((language) => KINDS
  .filter((kind) => subject.allowsWildcardLiteral || kind.label !== 'literal with *')
  .map((kind) => [subject.label, language === JSONATA ? 'JSONata' : 'JSONPath', kind.label, subject, language, kind] as const)));

describe.each(CASES)('%s (%s), name %s', (_s, _l, _k, subject, language, kind) => {
  test('every scoped statement of the state machine role and the stop handler role names it as IAM must', async () => {
    // GIVEN
    let skip = false;
    const { stack } = renderChainable((scope) => {
      const name = kind.name(scope, language);
      if (name === undefined) {
        skip = true;
        return new sfn.Pass(scope, 'Nothing');
      }
      return subject.build(scope, name, language);
    }, { queryLanguage: language });
    if (skip) return; // not expressible in this language (a JSONata-only form)

    // WHEN
    const names = subject.bothCases && kind.expected.lower !== undefined && kind.expected.lower !== kind.expected.asGiven
      ? [kind.expected.asGiven, kind.expected.lower]
      : [kind.expected.asGiven];
    const machine = statementsForRole(stack);

    // THEN
    for (const [action, suffix] of Object.entries(subject.stateMachineActions)) {
      expect({ action, resources: resourcesFor(machine, action) }).toEqual({ action, resources: names.map((n) => `${subject.arnPrefix}${n}${suffix}`) });
    }
    if (Object.keys(subject.handlerActions).length > 0) {
      const handler = handlerStatements(stack);
      for (const [action, suffix] of Object.entries(subject.handlerActions)) {
        expect({ action, resources: resourcesFor(handler, action) }).toEqual({ action, resources: names.map((n) => `${subject.arnPrefix}${n}${suffix}`) });
      }
    }
    expect(expressionsInIamArns(stack)).toEqual([]);
    expect(await checkResourceTypes(machine)).toEqual([]);
  });
});
