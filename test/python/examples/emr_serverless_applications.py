"""README example: an EMR Serverless application per execution: create, start, run, stop, delete.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Stack
from aws_cdk import aws_stepfunctions as sfn

from cdk_sfn_jobs import (
    EmrServerlessApplicationType,
    EmrServerlessCreateApplication,
    EmrServerlessDeleteApplication,
    EmrServerlessStartApplication,
    EmrServerlessStartJobRun,
    EmrServerlessStopApplication,
    JobDriver,
)

stack = Stack(App(), "Emr")
# ---- README ----
# An application for this execution only: create, start, run, stop, delete (each .sync)
app_id = "{% $app.ApplicationId %}"
create = EmrServerlessCreateApplication.jsonata(
    stack,
    "CreateApp",
    release_label="emr-7.5.0",
    application_type=EmrServerlessApplicationType.SPARK,
    assign={"app": "{% $states.result %}"},
)
start = EmrServerlessStartApplication.jsonata(stack, "StartApp", application_id=app_id)
run = EmrServerlessStartJobRun.jsonata(
    stack,
    "Run",
    application_id=app_id,
    job_driver=JobDriver.spark_submit(entry_point="s3://my-spark-code/jobs/etl.py"),
)
stop = EmrServerlessStopApplication.jsonata(stack, "StopApp", application_id=app_id)
remove = EmrServerlessDeleteApplication.jsonata(stack, "DeleteApp", application_id=app_id)

sfn.StateMachine(
    stack,
    "Ephemeral",
    definition_body=sfn.DefinitionBody.from_chainable(
        create.next(start).next(run).next(stop).next(remove)
    ),
    query_language=sfn.QueryLanguage.JSONATA,
)
