"""README example: mock presets for a Glue crawl and a SageMaker pipeline, run offline in two test cases.

Type-checked by pyright against the generated Python bindings by
.ci/python-check.sh. Not run there: the presets and the run happen in
JavaScript, which the offline jsii stand-in does not execute;
test/testing/presets.test.ts runs the same workflow and mocks.
# python-check: no-run
"""

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
mock_config = presets.mock_config(
    "Pipeline",
    {
        # the crawl ends at its 2nd check, the pipeline at its 5th
        "BothSucceed": presets.combine(
            [
                presets.glue_crawler_poller_job(crawl, checks=2),
                presets.sage_maker_pipeline_poller_job(train, checks=5),
            ]
        ),
        # the pipeline fails: SageMakerPipelinePoller.JobFailed, its FailureReason as the cause
        "TrainingFails": presets.combine(
            [
                presets.glue_crawler_poller_job(crawl),
                presets.sage_maker_pipeline_poller_job(
                    train, outcome=testing.MockOutcome.FAILED, cause="Step Train failed"
                ),
            ]
        ),
    },
)

workflow = testing.Workflow.from_state_machine(state_machine)
for test_case in ["BothSucceed", "TrainingFails"]:
    result = workflow.execute(mock_config=mock_config, test_case=test_case)
    # BothSucceed SUCCEEDED None, then TrainingFails FAILED SageMakerPipelinePoller.JobFailed
    print(test_case, result.status, result.error)
