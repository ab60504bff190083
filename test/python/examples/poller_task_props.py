"""README example: a poller as a task in a JSONata state machine: stateName, comment, outputs, assign, a JSONata catch.

Type-checked by pyright against the generated Python bindings by .ci/python-check.sh.
"""

from aws_cdk import App, Stack
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
            state_name="Crawl sales",
            comment="Brings the sales tables up to date",
            outputs={
                "tables": "{% $states.input.tables %}",
                "crawl": "{% $states.result.status.Crawler.LastCrawl %}",
            },
            assign={"crawlChecks": "{% $states.result.poll.checks %}"},
        )
        crawl.add_catch(
            sfn.Pass(self, "Crawl failed"),
            errors=GlueCrawlerPollerJob.ALL_ERRORS,
            outputs={
                "error": "{% $states.errorOutput.Error %}",
                "tables": "{% $states.input.tables %}",
            },
        )
        sfn.StateMachine(
            self,
            "Catalog",
            query_language=sfn.QueryLanguage.JSONATA,
            definition_body=sfn.DefinitionBody.from_chainable(crawl),
        )


app = App()
CatalogStack(app, "Catalog")
app.synth()
