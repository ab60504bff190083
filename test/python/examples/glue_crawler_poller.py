"""README example: GlueCrawlerPollerJob, a Glue crawl waited for without a Lambda function.

Type-checked by pyright against the generated Python bindings by .ci/python-check.sh.
"""

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_sfn_jobs import GlueCrawlerPollerJob


class CatalogStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        crawl = GlueCrawlerPollerJob(
            self,
            "Crawl",
            crawler_name="sales-raw",
            timeout=Duration.hours(2),
        )
        crawl.add_catch(
            sfn.Pass(self, "Crawl failed"),
            errors=GlueCrawlerPollerJob.ALL_ERRORS,
            result_path="$.error",
        )
        sfn.StateMachine(
            self,
            "Catalog",
            definition_body=sfn.DefinitionBody.from_chainable(crawl),
        )


app = App()
CatalogStack(app, "Catalog")
app.synth()
