"""README example: BatchPollerJob, an AWS Batch job followed with a growing poll.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_batch as batch
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import BatchPollerJob


class TrainingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        queue = batch.JobQueue.from_job_queue_arn(
            self, "Queue", "arn:aws:batch:us-east-1:123456789012:job-queue/training"
        )

        train = BatchPollerJob(
            self,
            "Train",
            job_queue=queue,
            job_definition_arn="arn:aws:batch:us-east-1:123456789012:job-definition/train:3",
            job_name="train-model",
            container_overrides=tasks.BatchContainerOverrides(
                command=["python", "train.py", "--input", "Ref::input"],
                environment={"STAGE": "prod"},
            ),
            parameters={"input": sfn.JsonPath.string_at("$.inputUri")},
            attempts=2,
            # give up when the job has not started after 30 minutes (cancel, fail BatchPoller.JobStuck)
            max_queue_time=Duration.minutes(30),
            # and when it has not finished after 12 hours (cancel, fail BatchPoller.JobTimedOut)
            timeout=Duration.hours(12),
        )

        # Catch the poller's failures like a task's (failed, timed out, stuck, not found); the error goes to $.error.
        notify = sfn.Pass(self, "Report failed job")
        train.add_catch(notify, errors=BatchPollerJob.ALL_ERRORS, result_path="$.error")

        # On success the job's status, exit code, log stream, times and array summary are at $.Train.
        publish = sfn.Pass(self, "Publish", parameters={"logStream.$": "$.Train.logStreamName"})

        sfn.StateMachine(
            self,
            "TrainingPipeline",
            definition_body=sfn.DefinitionBody.from_chainable(train.next(publish)),
        )


app = App()
TrainingStack(app, "TrainingStack")
app.synth()
