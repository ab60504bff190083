"""README example: SageMakerCreateProcessingJob, the escape hatch (additional_request_fields).

The lines above the README marker are the fixture; the rest is shown in README.md.
Type-checked by pyright and run against the offline jsii stand-in by
.ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_stepfunctions_tasks as tasks

from cdk_sfn_jobs import SageMakerCreateProcessingJob

self = Stack(App(), "Athena")
image = tasks.DockerImage.from_registry("123456789012.dkr.ecr.us-east-1.amazonaws.com/process:v1")

# ---- README ----
SageMakerCreateProcessingJob.json_path(
    self,
    "FromAthena",
    image=image,
    additional_request_fields={
        "ProcessingInputs": [
            {
                "InputName": "athena",
                "DatasetDefinition": {
                    "AthenaDatasetDefinition": {
                        "Catalog": "AwsDataCatalog",
                        "Database": "sales",
                        "QueryString": "SELECT …",
                        "OutputS3Uri": "s3://bucket/athena/",
                        "OutputFormat": "PARQUET",
                    },
                    "LocalPath": "/opt/ml/processing/input/athena",
                },
            }
        ],
    },
)
