"""README example: a nested workflow with a processing job.

A main state machine runs a sub state machine three times in a Parallel
(StepFunctionsStartExecution, waiting for each). The sub state machine holds a
SageMakerCreateProcessingJob that reads only its parameters (InputPath), stores
its result beside the whole input (ResultPath), passes on only that result
(OutputPath), and catches a failed job into an error handler.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import ProcessingInput, ProcessingOutput, SageMakerCreateProcessingJob


class NestedWorkflowStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        data = s3.Bucket(self, "Data", enforce_ssl=True)

        # --- the sub state machine: one processing job, with its error handling
        process = SageMakerCreateProcessingJob.json_path(
            self,
            "Process",
            image=tasks.DockerImage.from_registry(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/process:v1"
            ),
            processing_inputs=[
                ProcessingInput(
                    input_name="raw",
                    source=tasks.S3Location.from_bucket(data, "raw/"),
                )
            ],
            processing_outputs=[
                ProcessingOutput(
                    output_name="result",
                    destination=tasks.S3Location.from_bucket(data, "results/"),
                )
            ],
            # the job sees only its parameters...
            input_path="$.params",
            environment={"MESSAGE": sfn.JsonPath.string_at("$.message")},
            # ...its status and outputs go beside the whole input...
            result_selector={
                "status.$": "$.ProcessingJobStatus",
                "outputs.$": "$.ProcessingOutputConfig.Outputs[*].S3Output.S3Uri",
            },
            result_path="$.job",
            # ...and the next state gets only those
            output_path="$.job",
        )

        # Step Functions fails a .sync job that ends Failed with States.TaskFailed,
        # the job description as a JSON string in Cause.
        error_handler = sfn.Pass(
            self,
            "Error Handler",
            parameters={
                "parallel_no.$": "$.parallel_no",
                "failure.$": "States.StringToJson($.error.Cause)",
            },
        )
        process.add_catch(error_handler, errors=["States.ALL"], result_path="$.error")

        report = sfn.Pass(self, "Report", parameters={"status.$": "$.status"})

        sub_state_machine = sfn.StateMachine(
            self,
            "Sub StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(process.next(report)),
        )

        # --- the main state machine: run the sub state machine three times in parallel
        first = sfn.Pass(
            self,
            "First Task",
            result=sfn.Result.from_object({"message": "Hello world"}),
        )
        parallel = sfn.Parallel(self, "Parallel Task")
        for i in range(1, 4):
            parallel.branch(
                tasks.StepFunctionsStartExecution(
                    self,
                    f"Sub Task {i}",
                    state_machine=sub_state_machine,
                    integration_pattern=sfn.IntegrationPattern.RUN_JOB,
                    input=sfn.TaskInput.from_object(
                        {
                            "parallel_no": i,
                            "params": {"message": sfn.JsonPath.string_at("$.message")},
                            "context_name": sfn.JsonPath.string_at("$$.State.Name"),
                        }
                    ),
                    # keep the sub execution's output only
                    output_path="$.Output",
                )
            )

        sfn.StateMachine(
            self,
            "Main StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(first.next(parallel)),
        )


app = App()
NestedWorkflowStack(app, "NestedWorkflow")
app.synth()
