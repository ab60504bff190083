"""README example: the quick start: a SageMakerCreateProcessingJob hello-world app.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

# app.py
from aws_cdk import App, Duration, Size, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import SageMakerCreateProcessingJob


class SandboxStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        # .sync (waits for the job), a job name unique per execution, a least-privilege job role
        hello_world = SageMakerCreateProcessingJob(
            self,
            "HelloWorld",
            image=tasks.DockerImage.from_registry(
                "000000000000.dkr.ecr.ap-northeast-1.amazonaws.com/hello-world"
            ),
            instance_type=ec2.InstanceType("t3.medium"),
            volume_size=Size.gibibytes(1),
            max_runtime=Duration.minutes(10),
        )

        sfn.StateMachine(
            self,
            "Sandbox",
            definition_body=sfn.DefinitionBody.from_chainable(hello_world),
        )


app = App()
SandboxStack(app, "Sandbox")
app.synth()
