"""README example: GlueWorkflowPollerJob, a Glue workflow run waited for without a Lambda function.

Type-checked by pyright against the generated Python bindings by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_sfn_jobs import GlueWorkflowPollerJob


class EtlStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        etl = GlueWorkflowPollerJob(
            self,
            "Nightly",
            workflow_name="nightly-etl",
            run_properties={"day": sfn.JsonPath.string_at("$.day")},
            timeout=Duration.hours(6),
        )
        sfn.StateMachine(
            self,
            "Etl",
            definition_body=sfn.DefinitionBody.from_chainable(
                etl.next(sfn.Succeed(self, "Done"))
            ),
        )


app = App()
EtlStack(app, "Etl")
app.synth()
