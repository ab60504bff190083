"""README example: SageMakerCreateProcessingJob, inputs, outputs, and picking the output URIs and status.

The lines above the README marker are the fixture (what the README's snippet
assumes: a stack as ``self``, an ECR repository); the rest is shown in README.md.
Type-checked by pyright and run against the offline jsii stand-in by
.ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions_tasks as tasks

from cdk_sfn_jobs import ProcessingInput, ProcessingOutput, SageMakerCreateProcessingJob

self = Stack(App(), "Features")
repository = ecr.Repository.from_repository_name(self, "Repository", "preprocess")

# ---- README ----
data = s3.Bucket(self, "Data", enforce_ssl=True)

preprocess = SageMakerCreateProcessingJob.json_path(
    self,
    "Preprocess",
    image=tasks.DockerImage.from_ecr_repository(repository, "v1"),
    processing_inputs=[
        ProcessingInput(input_name="raw", source=tasks.S3Location.from_bucket(data, "raw/"))
    ],
    processing_outputs=[
        ProcessingOutput(
            output_name="train",
            destination=tasks.S3Location.from_bucket(data, "features/train/"),
        ),
        ProcessingOutput(
            output_name="test",
            destination=tasks.S3Location.from_bucket(data, "features/test/"),
        ),
    ],
    container_arguments=["--split", "0.8"],
    # .sync returns DescribeProcessingJob: keep the output URIs and the status
    result_selector={
        "outputs.$": "$.ProcessingOutputConfig.Outputs[*].S3Output.S3Uri",
        "status.$": "$.ProcessingJobStatus",
    },
    result_path="$.preprocess",
)
# → $.preprocess = { "outputs": ["s3://…/features/train/", "s3://…/features/test/"], "status": "Completed" }
