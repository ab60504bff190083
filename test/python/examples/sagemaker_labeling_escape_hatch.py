"""README example: SageMakerCreateLabelingJob, the escape hatch (additional_request_fields).

The lines above the README marker are the fixture (``labeling_props``: the
job's typed props, as in the labeling example, and an SNS topic); the rest is
shown in README.md. Type-checked by pyright and run against the offline jsii
stand-in by .ci/python-check.sh.
"""

from typing import Any, Dict

from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions_tasks as tasks

from cdk_sfn_jobs import LabelingFunction, LabelingTaskUi, SageMakerCreateLabelingJob

self = Stack(App(), "Labeling")
data = s3.Bucket(self, "Data")
topic = sns.Topic(self, "Labels")
labeling_props: Dict[str, Any] = dict(
    input_manifest=tasks.S3Location.from_bucket(data, "street/manifest.json"),
    output_location=tasks.S3Location.from_bucket(data, "labels/"),
    label_attribute_name="cars",
    workteam_arn="arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers",
    task_ui=LabelingTaskUi.from_template(tasks.S3Location.from_bucket(data, "config/bounding-box.liquid")),
    pre_human_task_function=LabelingFunction.built_in(
        "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox"
    ),
    annotation_consolidation_function=LabelingFunction.built_in(
        "arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox"
    ),
    task_title="Draw boxes around cars",
    task_description="Draw a tight box around every car in the picture",
)

# ---- README ----
SageMakerCreateLabelingJob.json_path(
    self,
    "Label",
    **labeling_props,  # the job's typed props
    additional_request_fields={"OutputConfig": {"SnsTopicArn": topic.topic_arn}},
)
