"""README example: JobPoller caught like a task (add_catch with the poller's own errors).

The lines above the README marker are the fixture (``start``: a Glue job run
started with the AWS SDK integration, and ``check_function``: a function
following the poll protocol); the rest is shown in README.md. Type-checked by
pyright and run against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn

from cdk_sfn_jobs import JobPoller, JobPollerStart

self = Stack(App(), "Etl")
start = JobPollerStart(
    resource="arn:aws:states:::aws-sdk:glue:startJobRun",
    parameters={"JobName": "etl"},
    result_fields={"jobRunId": "JobRunId"},
    policy_statements=[
        iam.PolicyStatement(
            actions=["glue:StartJobRun"],
            resources=["arn:aws:glue:us-east-1:123456789012:job/etl"],
        )
    ],
)
check_function = lambda_.Function.from_function_arn(
    self, "CheckEtl", "arn:aws:lambda:us-east-1:123456789012:function:check-etl"
)

# ---- README ----
etl = JobPoller(self, "Etl", start=start, check_function=check_function, error_prefix="Glue")
etl.add_catch(sfn.Pass(self, "Report"), errors=etl.errors, result_path="$.error")
