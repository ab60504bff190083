"""README example: SageMakerPipelinePollerJob, a pipeline execution waited for without a Lambda function.

Type-checked by pyright against the generated Python bindings by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_sfn_jobs import SageMakerPipelinePollerJob


class TrainingPipelineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        train = SageMakerPipelinePollerJob(
            self,
            "Train",
            pipeline_name="TrainPipeline",
            pipeline_parameters={
                "InputDataUrl": sfn.JsonPath.string_at("$.dataUrl"),
                "Epochs": "10",
            },
            pipeline_execution_display_name="nightly",
            timeout=Duration.hours(12),
        )
        sfn.StateMachine(
            self,
            "Training",
            definition_body=sfn.DefinitionBody.from_chainable(train),
        )


app = App()
TrainingPipelineStack(app, "TrainingPipeline")
app.synth()
