"""README example: SageMakerCreateHyperParameterTuningJob, tuning an XGBoost model.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import (
    HyperParameterRange,
    HyperParameterScalingType,
    HyperParameterTuningObjective,
    SageMakerCreateHyperParameterTuningJob,
)


class TuningStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        data = s3.Bucket(self, "Data", enforce_ssl=True)

        def channel(name: str, prefix: str) -> tasks.Channel:
            return tasks.Channel(
                channel_name=name,
                content_type="text/csv",
                data_source=tasks.DataSource(
                    s3_data_source=tasks.S3DataSource(
                        s3_location=tasks.S3Location.from_bucket(data, prefix)
                    )
                ),
            )

        # .sync (waits for the tuning job), a 32-character name unique per execution,
        # a least-privilege role for its training jobs
        tune = SageMakerCreateHyperParameterTuningJob(
            self,
            "TuneChurnModel",
            algorithm_specification=tasks.AlgorithmSpecification(
                training_image=tasks.DockerImage.from_registry(
                    "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
                ),
            ),
            objective=HyperParameterTuningObjective.maximize("validation:auc"),
            parameter_ranges=[
                HyperParameterRange.continuous(
                    "eta", 0.01, 0.3, HyperParameterScalingType.LOGARITHMIC
                ),
                HyperParameterRange.integer("max_depth", 3, 10),
                HyperParameterRange.continuous("subsample", 0.5, 1),
            ],
            static_hyper_parameters={
                "objective": "binary:logistic",
                "eval_metric": "auc",
                "num_round": "200",
            },
            input_data_config=[
                channel("train", "features/train/"),
                channel("validation", "features/validation/"),
            ],
            output_data_config=tasks.OutputDataConfig(
                s3_output_location=tasks.S3Location.from_bucket(data, "models/")
            ),
            max_number_of_training_jobs=20,
            max_parallel_training_jobs=4,
            early_stopping=True,
            # .sync returns DescribeHyperParameterTuningJob: keep the best training job
            result_selector={
                "bestTrainingJob.$": "$.BestTrainingJob.TrainingJobName",
                "hyperparameters.$": "$.BestTrainingJob.TunedHyperParameters",
                "auc.$": "$.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value",
            },
            result_path="$.tuning",
        )

        sfn.StateMachine(
            self,
            "Tuning",
            definition_body=sfn.DefinitionBody.from_chainable(tune),
        )


app = App()
TuningStack(app, "Tuning")
app.synth()
