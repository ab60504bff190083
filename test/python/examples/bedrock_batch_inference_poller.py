"""README example: BedrockBatchInferencePollerJob, a batch inference job waited for without a Lambda function.

Type-checked by pyright against the generated Python bindings by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import BedrockBatchInferencePollerJob


class BatchInferenceStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        bucket = s3.Bucket(self, "Data", enforce_ssl=True)
        summarize = BedrockBatchInferencePollerJob(
            self,
            "Summarize",
            model_id="anthropic.claude-3-haiku-20240307-v1:0",
            input=tasks.S3Location.from_bucket(bucket, "prompts/"),
            output=tasks.S3Location.from_bucket(bucket, "results/"),
            timeout_in_hours=24,
            timeout=Duration.hours(30),
        )
        partial = sfn.Condition.string_equals(
            "$.Summarize.status.Status", "PartiallyCompleted"
        )
        report = (
            sfn.Choice(self, "All records?")
            .when(partial, sfn.Pass(self, "Some records failed"))
            .otherwise(sfn.Succeed(self, "Done"))
        )
        sfn.StateMachine(
            self,
            "Batch",
            definition_body=sfn.DefinitionBody.from_chainable(summarize.next(report)),
        )


app = App()
BatchInferenceStack(app, "BatchInference")
app.synth()
