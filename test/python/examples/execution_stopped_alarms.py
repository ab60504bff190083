"""README example: alarms on the stack's execution-stopped handler (ExecutionStopped.of).

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_sfn_jobs import BatchPollerJob, ExecutionStopped


class WatchedJobsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        train = BatchPollerJob(
            self,
            "Train",
            job_queue_arn="arn:aws:batch:us-east-1:123456789012:job-queue/training",
            job_definition_arn="arn:aws:batch:us-east-1:123456789012:job-definition/train:1",
        )
        sfn.StateMachine(self, "Pipeline", definition_body=sfn.DefinitionBody.from_chainable(train))

        # After the state machines are built: the stack's handler (None when no state machine needs one).
        stopped = ExecutionStopped.of(self)
        if stopped is not None:
            # A stop it could not handle (after Lambda's retries) ...
            cloudwatch.Alarm(
                self,
                "CancelOnStopErrors",
                metric=stopped.handler.metric_errors(period=Duration.minutes(5)),
                threshold=1,
                evaluation_periods=1,
            )
            # ... and every event it gave up on, kept 14 days in its dead-letter queue.
            cloudwatch.Alarm(
                self,
                "CancelOnStopUnhandled",
                metric=stopped.dead_letter_queue.metric_approximate_number_of_messages_visible(),
                threshold=1,
                evaluation_periods=1,
            )


app = App()
WatchedJobsStack(app, "WatchedJobs")
app.synth()
