"""README example: SageMakerCreateLabelingJob, a bounding-box labeling job.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_sfn_jobs import LabelingFunction, LabelingTaskUi, SageMakerCreateLabelingJob

# Ground Truth's own functions for bounding boxes in us-east-1 (AWS-owned, one account per Region)
PRE_BOUNDING_BOX = "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox"
ACS_BOUNDING_BOX = "arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox"


class LabelingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        data = s3.Bucket(self, "Data", enforce_ssl=True)

        # .sync (waits until the workers are done), a job name unique per execution,
        # a least-privilege role: the manifest's folder, the template, the categories, the output
        label_cars = SageMakerCreateLabelingJob(
            self,
            "LabelCars",
            input_manifest=tasks.S3Location.from_bucket(data, "street/manifest.json"),
            output_location=tasks.S3Location.from_bucket(data, "labels/"),
            label_attribute_name="cars",
            label_category_config=tasks.S3Location.from_bucket(
                data, "config/categories.json"
            ),
            workteam_arn="arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers",
            task_ui=LabelingTaskUi.from_template(
                tasks.S3Location.from_bucket(data, "config/bounding-box.liquid")
            ),
            pre_human_task_function=LabelingFunction.built_in(PRE_BOUNDING_BOX),
            annotation_consolidation_function=LabelingFunction.built_in(ACS_BOUNDING_BOX),
            task_title="Draw boxes around cars",
            task_description="Draw a tight box around every car in the picture",
            task_keywords=["image", "bounding box", "cars"],
            number_of_human_workers_per_data_object=3,
            task_time_limit=Duration.minutes(10),
            # .sync returns DescribeLabelingJob: keep the output manifest and the count
            result_selector={
                "manifest.$": "$.LabelingJobOutput.OutputDatasetS3Uri",
                "labeled.$": "$.LabelCounters.TotalLabeled",
            },
            result_path="$.labels",
        )

        sfn.StateMachine(
            self,
            "Labeling",
            definition_body=sfn.DefinitionBody.from_chainable(label_cars),
        )


app = App()
LabelingStack(app, "Labeling")
app.synth()
