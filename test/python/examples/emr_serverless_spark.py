"""README example: EmrServerlessStartJobRun, a Spark job run per day in a Map with a Catch.

Type-checked by pyright against the generated Python bindings and run
against the offline jsii stand-in by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_sfn_jobs import (
    EmrServerlessConfigurationOverrides,
    EmrServerlessMonitoring,
    EmrServerlessStartJobRun,
    JobDriver,
)


class SparkStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        # .sync (waits for the job run), a job run name unique per execution, an execution role that
        # may read the script and write the logs, nothing more
        etl = EmrServerlessStartJobRun.jsonata(
            self,
            "DailyEtl",
            application_id="00f1abcdef123456",
            job_driver=JobDriver.spark_submit(
                entry_point="s3://my-spark-code/jobs/etl.py",
                entry_point_arguments=["--day", "{% $states.input.day %}"],
                spark_submit_parameters="--conf spark.executor.cores=2 --conf spark.executor.memory=4g",
            ),
            configuration_overrides=EmrServerlessConfigurationOverrides(
                monitoring=EmrServerlessMonitoring(s3_log_uri="s3://my-spark-logs/etl/")
            ),
            execution_timeout=Duration.hours(2),
            outputs={"day": "{% $states.input.day %}", "state": "{% $states.result.JobRun.State %}"},
        )
        # A job run that ends FAILED or CANCELLED: States.TaskFailed, the job run in Cause
        etl.add_catch(
            sfn.Pass.jsonata(self, "DayFailed"),
            errors=["States.TaskFailed"],
            outputs={
                "day": "{% $states.input.day %}",
                "failure": "{% $parse($states.errorOutput.Cause).StateDetails %}",
            },
        )

        each_day = sfn.Map.jsonata(
            self,
            "EachDay",
            items=sfn.ProvideItems.jsonata("{% $states.input.days %}"),
            max_concurrency=4,
        ).item_processor(etl)

        sfn.StateMachine(
            self,
            "DailySpark",
            definition_body=sfn.DefinitionBody.from_chainable(each_day),
            query_language=sfn.QueryLanguage.JSONATA,
        )


app = App()
SparkStack(app, "Spark")
app.synth()
# input { "days": [{ "day": "2026-01-01" }, { "day": "2026-01-02" }] }
# → [{ "day": "2026-01-01", "state": "SUCCESS" }, { "day": "2026-01-02", "failure": "Job failed, …" }]
