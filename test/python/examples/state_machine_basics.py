"""README example: a Step Functions state machine in a Python CDK app.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

import cdk_sfn_jobs  # noqa: F401  (the library's constructs are used the same way)


class JobsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        prepare = sfn.Pass(
            self,
            "Prepare",
            comment="Shape the job input",
            parameters={"jobName.$": "$.name"},
            result_path="$.prepared",
        )
        settle = sfn.Wait(
            self,
            "Settle",
            time=sfn.WaitTime.duration(Duration.seconds(30)),
        )

        self.state_machine = sfn.StateMachine(
            self,
            "Jobs",
            definition_body=sfn.DefinitionBody.from_chainable(prepare.next(settle)),
            timeout=Duration.hours(2),
            state_machine_type=sfn.StateMachineType.STANDARD,
        )


app = App()
JobsStack(app, "JobsStack")
app.synth()
