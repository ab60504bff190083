"""README example: SageMakerCreateHyperParameterTuningJob, the escape hatch (additional_request_fields).

The lines above the README marker are the fixture (``tuning_props``: the job's
typed props, as in the tuning example); the rest is shown in README.md.
Type-checked by pyright and run against the offline jsii stand-in by
.ci/python-check.sh.
"""

from typing import Any, Dict

from aws_cdk import App, Stack
from aws_cdk import aws_stepfunctions_tasks as tasks

from cdk_sfn_jobs import (
    HyperParameterRange,
    HyperParameterTuningObjective,
    SageMakerCreateHyperParameterTuningJob,
)

self = Stack(App(), "Tuning")
tuning_props: Dict[str, Any] = dict(
    algorithm_specification=tasks.AlgorithmSpecification(
        training_image=tasks.DockerImage.from_registry(
            "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
        ),
    ),
    objective=HyperParameterTuningObjective.maximize("validation:auc"),
    parameter_ranges=[HyperParameterRange.integer("max_depth", 3, 10)],
    input_data_config=[
        tasks.Channel(
            channel_name="train",
            data_source=tasks.DataSource(
                s3_data_source=tasks.S3DataSource(
                    s3_location=tasks.S3Location.from_json_expression("$.train")
                )
            ),
        )
    ],
    output_data_config=tasks.OutputDataConfig(
        s3_output_location=tasks.S3Location.from_json_expression("$.models")
    ),
)

# ---- README ----
SageMakerCreateHyperParameterTuningJob.json_path(
    self,
    "Tune",
    **tuning_props,  # the job's typed props
    additional_request_fields={
        "HyperParameterTuningJobConfig": {
            "RandomSeed": 42,
            "TuningJobCompletionCriteria": {"TargetObjectiveMetricValue": 0.95},
        },
        "TrainingJobDefinition": {
            "EnableManagedSpotTraining": True,
            "StoppingCondition": {"MaxWaitTimeInSeconds": 7200},
        },
    },
)
