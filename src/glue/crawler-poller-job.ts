import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { JobPollingBaseOptions, JobStatusCondition, PollerJobBase } from '../polling';
import { POLLING_BASE_PROPS } from '../polling/private/props';
import { checkLength, checkPattern, checkProps, integrationResourceArn, nameShape, scopedNameArn } from '../private';
import { GLUE_TRANSIENT_ERRORS } from './private/errors';
import { GLUE_CRAWLER_EVENTS } from '../polling/private/job-events';

/**
 * Properties of a `GlueCrawlerPollerJob`.
 */
export interface GlueCrawlerPollerJobProps extends JobPollingBaseOptions {
  /**
   * The name of the crawler to run: a literal (1 to 255 characters on one line), a `JsonPath` value or a JSONata
   * expression (IAM then allows the crawlers whose names start with the expression's literal start, or all
   * crawlers of the account and region).
   *
   * @see https://docs.aws.amazon.com/glue/latest/webapi/API_StartCrawler.html
   */
  readonly crawlerName: string;
}

/**
 * Runs an AWS Glue crawler and waits for the crawl to end, with no Lambda function: `glue:startCrawler`, then
 * `glue:getCrawler` on a growing interval until the crawler is `READY` again; succeeds when the crawl's
 * `LastCrawl.Status` is `SUCCEEDED`, fails with its `ErrorMessage` otherwise.
 *
 * A crawler that is running already (`Glue.CrawlerRunningException`, for example started by its schedule) is
 * waited for rather than failed: a crawler runs once at a time, so the running crawl is the one that brings the
 * catalog up to date, and its outcome is the outcome reported. At the deadline (`timeout`) the crawl is stopped
 * (`glue:stopCrawler`) and the poller fails with `GlueCrawlerPoller.JobTimedOut`.
 *
 * The result (in JSONPath at `resultPath`, by default `$.<stateName>`; in JSONata `$states.result` of `outputs`/`assign`, by default added to the input under `<stateName>`): `job.crawlerName`, `status` (the last GetCrawler response:
 * `Crawler.State`, `Crawler.LastCrawl` with `Status`, `ErrorMessage`, `LogGroup`, `LogStream`, `StartTime`…) and
 * `poll` (`checks`, `elapsedSeconds`).
 *
 * @see https://docs.aws.amazon.com/glue/latest/webapi/API_GetCrawler.html
 */
export class GlueCrawlerPollerJob extends PollerJobBase {
  /** The error when the crawl ends other than `SUCCEEDED` (FAILED, CANCELLED). */
  public static readonly JOB_FAILED = 'GlueCrawlerPoller.JobFailed';
  /** The error when the crawl is still running at `timeout` (after it is stopped). */
  public static readonly JOB_TIMED_OUT = 'GlueCrawlerPoller.JobTimedOut';
  /** The poller's own failures, for `addCatch(handler, { errors: GlueCrawlerPollerJob.ALL_ERRORS })`. */
  public static readonly ALL_ERRORS: string[] = [GlueCrawlerPollerJob.JOB_FAILED, GlueCrawlerPollerJob.JOB_TIMED_OUT];


  constructor(scope: Construct, id: string, props: GlueCrawlerPollerJobProps) {
    super(scope, id, props);
    checkProps(scope, id, props, { crawlerName: 'string', ...POLLING_BASE_PROPS });
    checkLength(this, 'crawlerName', props.crawlerName, 1, 255);
    checkPattern(this, 'crawlerName', props.crawlerName, /^[^\r\n]*$/, 'a single line of text');

    const crawlerArn = scopedNameArn(this, nameShape(props.crawlerName), { service: 'glue', resource: 'crawler' });
    const statement = (action: string) => new iam.PolicyStatement({ actions: [`glue:${action}`], resources: [crawlerArn] });
    const call = (action: string) => integrationResourceArn('aws-sdk:glue', action, sfn.IntegrationPattern.REQUEST_RESPONSE);

    this.createPoller({
      errorPrefix: 'GlueCrawlerPoller',
      start: {
        resource: call('startCrawler'),
        parameters: {},
        jobValues: { crawlerName: props.crawlerName },
        jobParameters: { Name: 'crawlerName' },
        resultFields: {},
        runningErrors: ['Glue.CrawlerRunningException'],
        retryErrors: GLUE_TRANSIENT_ERRORS,
        policyStatements: [statement('StartCrawler')],
      },
      sdkCheck: {
        jobDescription: 'Glue crawler run',
        call: {
          resource: call('getCrawler'),
          jobParameters: { Name: 'crawlerName' },
          retryErrors: GLUE_TRANSIENT_ERRORS,
          policyStatements: [statement('GetCrawler')],
        },
        status: {
          statusField: 'Crawler.State',
          runningValues: ['RUNNING', 'STOPPING'],
          succeededValues: ['READY'],
          successConditions: [JobStatusCondition.stringEquals('Crawler.LastCrawl.Status', 'SUCCEEDED')],
          reasonField: 'Crawler.LastCrawl.ErrorMessage',
          outcomeField: 'Crawler.LastCrawl',
        },
        cancel: {
          sdkV3ClientClass: 'GlueClient',
          resource: call('stopCrawler'),
          jobParameters: { Name: 'crawlerName' },
          retryErrors: GLUE_TRANSIENT_ERRORS,
          endedErrors: ['Glue.CrawlerNotRunningException', 'Glue.CrawlerStoppingException'],
          policyStatements: [statement('StopCrawler')],
          // StopCrawler takes no run id: the stop handler stops only the crawl this execution started (GetCrawler).
          runElapsedTimeField: 'Crawler.CrawlElapsedTime',
        },
      },
    }, { ...GLUE_CRAWLER_EVENTS, jobKey: 'crawlerName' });
  }
}
