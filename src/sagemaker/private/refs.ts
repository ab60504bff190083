import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';

/**
 * aws-cdk-lib values the SageMaker tasks use on every construction, read once.
 *
 * aws-cdk-lib's barrel modules (`aws-cdk-lib`, `aws-cdk-lib/aws-iam`, …) resolve each export through a getter that
 * calls `require()` on every access (~10 µs each). A CPU profile of 200 processing jobs (bench/) showed these
 * look-ups as about a fifth of the tasks' construction time; reading them once here removes that.
 */
export const isUnresolved = Token.isUnresolved;
export const isEncodedJsonPath = sfn.JsonPath.isEncodedJsonPath;
export const PARTITION = Aws.PARTITION;
export const ALLOW = iam.Effect.ALLOW;
export const JSONATA = sfn.QueryLanguage.JSONATA;
export const JSON_PATH = sfn.QueryLanguage.JSON_PATH;
export const RUN_JOB = sfn.IntegrationPattern.RUN_JOB;
export const REQUEST_RESPONSE = sfn.IntegrationPattern.REQUEST_RESPONSE;
export const PolicyStatementClass = iam.PolicyStatement;
export const S3_PREFIX = tasks.S3DataType.S3_PREFIX;
export const MANIFEST_FILE = tasks.S3DataType.MANIFEST_FILE;
export const FILE = tasks.InputMode.FILE;
export const PIPE = tasks.InputMode.PIPE;
export const FULLY_REPLICATED = tasks.S3DataDistributionType.FULLY_REPLICATED;
export const GZIP = tasks.CompressionType.GZIP;
