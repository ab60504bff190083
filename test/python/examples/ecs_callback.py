"""README example: EcsCallbackTask, a container that reports its own result.

A worker loop (Choice -> EcsCallbackTask -> Wait -> Choice): the container
reads its input from TASK_INPUT, answers with SendTaskSuccess / SendTaskFailure
using TASK_TOKEN, and a crash fails the state with Ecs.TaskStopped.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import EcsCallbackTask


class WorkerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        vpc = ec2.Vpc(self, "Vpc", max_azs=2, nat_gateways=1)
        cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
        task_definition = ecs.FargateTaskDefinition(
            self, "Worker", cpu=256, memory_limit_mib=512
        )
        task_definition.add_container(
            "app",
            image=ecs.ContainerImage.from_registry("123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1"),
            logging=ecs.LogDrivers.aws_logs(stream_prefix="worker"),
        )

        # The container receives $.input as JSON text in TASK_INPUT and the
        # task token in TASK_TOKEN; its task role may answer this state
        # machine only. Its answer replaces $.input.
        work = EcsCallbackTask(
            self,
            "Work",
            cluster=cluster,
            task_definition=task_definition,
            # (aws-cdk-lib's Python binding requires the platform version here)
            launch_target=tasks.EcsFargateLaunchTarget(
                platform_version=ecs.FargatePlatformVersion.LATEST
            ),
            input=sfn.TaskInput.from_json_path_at("$.input"),
            result_path="$.input",
            heartbeat_timeout=sfn.Timeout.duration(Duration.minutes(5)),
            task_timeout=sfn.Timeout.duration(Duration.hours(2)),
        )

        crashed = sfn.Fail(
            self,
            "Crashed",
            cause_path="$.error.Cause",
            error="WorkerCrashed",
        )
        too_large = sfn.Fail(
            self,
            "InputTooLarge",
            cause="The task token and the input exceed RunTask's 8,192-character overrides",
            error="InputTooLarge",
        )
        work.add_catch(crashed, errors=["Ecs.TaskStopped"], result_path="$.error")
        work.add_catch(too_large, errors=["ECS.InvalidParameterException"], result_path="$.error")

        wait = sfn.Wait(self, "Wait", time=sfn.WaitTime.duration(Duration.seconds(10)))
        choice = sfn.Choice(self, "Choice")
        definition = choice.when(
            sfn.Condition.number_greater_than("$.input.number", 3),
            sfn.Succeed(self, "Done"),
        ).otherwise(work.next(wait).next(choice))

        sfn.StateMachine(
            self,
            "Loop",
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            timeout=Duration.hours(12),
        )


app = App()
WorkerStack(app, "WorkerStack")
app.synth()
