"""README example: a wait for any job API, JobPoller with an SDK check (a DynamoDB export).

The lines above the README marker are the fixture (``table`` and ``bucket``);
the rest is shown in README.md. Type-checked by pyright and run against the
offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Aws, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3

from cdk_sfn_jobs import (
    JobPoller,
    JobPollerSdkCall,
    JobPollerSdkCheck,
    JobPollerStart,
    JobStatusMapping,
)

self = Stack(App(), "Exports")
table = dynamodb.Table(
    self, "Orders", partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
)
bucket = s3.Bucket(self, "Exported")

# ---- README ----
def sdk(action: str) -> str:
    return f"arn:{Aws.PARTITION}:states:::aws-sdk:{action}"


poller = JobPoller(
    self,
    "Export",
    error_prefix="Export",
    timeout=Duration.hours(3),
    start=JobPollerStart(
        resource=sdk("dynamodb:exportTableToPointInTime"),
        parameters={"TableArn": table.table_arn, "S3Bucket": bucket.bucket_name},
        result_fields={"exportArn": "ExportDescription.ExportArn"},
        policy_statements=[],  # dynamodb:ExportTableToPointInTime on the table, s3 on the bucket
    ),
    sdk_check=JobPollerSdkCheck(
        job_description="DynamoDB export",
        call=JobPollerSdkCall(
            resource=sdk("dynamodb:describeExport"),
            job_parameters={"ExportArn": "exportArn"},
            policy_statements=[],  # dynamodb:DescribeExport on the table's exports
        ),
        status=JobStatusMapping(
            status_field="ExportDescription.ExportStatus",
            running_values=["IN_PROGRESS"],
            succeeded_values=["COMPLETED"],
            reason_field="ExportDescription.FailureMessage",
        ),
    ),
)
