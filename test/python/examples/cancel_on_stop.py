"""README example: turning off the cancel-on-stop of BatchPollerJob and EcsCallbackTask.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import BatchPollerJob, EcsCallbackTask


class DetachedJobsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        # A job that must outlive the execution that started it: not terminated when the execution stops.
        backfill = BatchPollerJob(
            self,
            "Backfill",
            job_queue_arn="arn:aws:batch:us-east-1:123456789012:job-queue/batch",
            job_definition_arn="arn:aws:batch:us-east-1:123456789012:job-definition/backfill:1",
            cancel_job_on_execution_stop=False,
        )

        cluster = ecs.Cluster(self, "Cluster", vpc=ec2.Vpc(self, "Vpc", max_azs=2))
        task_definition = ecs.FargateTaskDefinition(self, "Worker")
        task_definition.add_container(
            "app", image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12")
        )
        publish = EcsCallbackTask(
            self,
            "Publish",
            cluster=cluster,
            task_definition=task_definition,
            launch_target=tasks.EcsFargateLaunchTarget(platform_version=ecs.FargatePlatformVersion.LATEST),
            cancel_job_on_execution_stop=False,
        )

        sfn.StateMachine(
            self,
            "Pipeline",
            definition_body=sfn.DefinitionBody.from_chainable(backfill.next(publish)),
        )


app = App()
DetachedJobsStack(app, "DetachedJobs")
app.synth()
