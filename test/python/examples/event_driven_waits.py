"""README example: event-driven waits (JobDetection.events()) on a Glue crawl and on a JobPoller of your own.

Type-checked by pyright against the generated Python bindings by .ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_sfn_jobs import (
    GlueCrawlerPollerJob,
    JobDetection,
    JobPoller,
    JobPollerSdkCall,
    JobPollerSdkCheck,
    JobPollerStart,
    JobStateChangeEvent,
    JobStatusMapping,
)


class CatalogStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        # The four waits know their service's event.
        crawl = GlueCrawlerPollerJob(
            self,
            "Crawl",
            crawler_name="sales-raw",
            detection=JobDetection.events(),
        )
        # A JobPoller is told which event ends its job, and which job key the event names.
        etl = JobPoller(
            self,
            "Etl",
            error_prefix="Etl",
            start=JobPollerStart(
                resource="arn:aws:states:::aws-sdk:glue:startJobRun",
                parameters={"JobName": "etl"},
                result_fields={"runId": "JobRunId"},
            ),
            sdk_check=JobPollerSdkCheck(
                job_description="Glue job run",
                call=JobPollerSdkCall(
                    resource="arn:aws:states:::aws-sdk:glue:getJobRun",
                    parameters={"JobName": "etl"},
                    job_parameters={"RunId": "runId"},
                ),
                status=JobStatusMapping(
                    status_field="JobRun.JobRunState",
                    running_values=["STARTING", "RUNNING", "STOPPING", "WAITING"],
                    succeeded_values=["SUCCEEDED"],
                    reason_field="JobRun.ErrorMessage",
                ),
            ),
            detection=JobDetection.events(
                event=JobStateChangeEvent(
                    source="aws.glue",
                    detail_type="Glue Job State Change",
                    job_field="jobRunId",
                    status_field="state",
                    terminal_statuses=["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"],
                    job_key="runId",
                )
            ),
            cancel_job_on_execution_stop=False,
        )
        sfn.StateMachine(
            self,
            "Catalog",
            definition_body=sfn.DefinitionBody.from_chainable(sfn.Chain.start(crawl).next(etl)),
        )


app = App()
CatalogStack(app, "Catalog")
app.synth()
