"""README example: a task handler in Python (a class implementing testing.ITaskHandler) beside a mock preset.

The lines above the README marker are the fixture (the state machine of the
"Mocking our constructs" example). Type-checked by pyright against the
generated Python bindings by .ci/python-check.sh. Not run there: the run
happens in JavaScript, which the offline jsii stand-in does not execute;
test/testing/presets.test.ts runs the same handler.
# python-check: no-run
"""

from typing import Any

import jsii
from aws_cdk import App, Stack
from aws_cdk import aws_stepfunctions as sfn

from cdk_sfn_jobs import GlueCrawlerPollerJob, SageMakerPipelinePollerJob, testing

stack = Stack(App(), "Nightly")
crawl = GlueCrawlerPollerJob(stack, "Crawl", crawler_name="sales-raw")
train = SageMakerPipelinePollerJob(stack, "Train", pipeline_name="TrainPipeline")
state_machine = sfn.StateMachine(
    stack,
    "Pipeline",
    query_language=sfn.QueryLanguage.JSONATA,
    definition_body=sfn.DefinitionBody.from_chainable(sfn.Chain.start(crawl).next(train)),
)
presets = testing.MockPresets

# ---- README ----
@jsii.implements(testing.ITaskHandler)
class Crawler:
    # the call's fields come as keyword arguments: state_name, request, invocation, attempt, path, time, …
    def handle(self, *, state_name: str, invocation: jsii.Number, **call: Any) -> Any:
        if state_name == "Crawl: Start job":
            return {"result": {}}
        # GetCrawler: running at the first two checks, then a successful crawl
        state = "RUNNING" if invocation < 2 else "READY"
        crawler = {"Crawler": {"State": state, "LastCrawl": {"Status": "SUCCEEDED"}}}
        return {"result": crawler, "durationSeconds": 1}


result = testing.Workflow.from_state_machine(state_machine).execute(
    mock_config=presets.mock_config(
        "Pipeline", {"TrainOnly": presets.sage_maker_pipeline_poller_job(train)}
    ),
    test_case="TrainOnly",
    task_handler=Crawler(),
)
print(result.status)  # SUCCEEDED
