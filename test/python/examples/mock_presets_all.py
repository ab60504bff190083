"""README example: the mock preset of every construct.

The lines above the README marker are the fixture: the constructs, typed only
(each is built as in its own README example). Type-checked by pyright against
the generated Python bindings by .ci/python-check.sh. Not run there: the
presets are computed in JavaScript, which the offline jsii stand-in does not
execute; test/testing/presets.test.ts runs every preset.
# python-check: no-run
"""

from typing import cast

from cdk_sfn_jobs import (
    BatchPollerJob,
    BedrockBatchInferencePollerJob,
    EcsCallbackTask,
    GlueCrawlerPollerJob,
    GlueWorkflowPollerJob,
    JobPoller,
    SageMakerCreateHyperParameterTuningJob,
    SageMakerCreateLabelingJob,
    SageMakerCreateProcessingJob,
    SageMakerPipelinePollerJob,
    testing,
)

preprocess = cast(SageMakerCreateProcessingJob, None)
tune = cast(SageMakerCreateHyperParameterTuningJob, None)
label = cast(SageMakerCreateLabelingJob, None)
work = cast(EcsCallbackTask, None)
batch_job = cast(BatchPollerJob, None)
crawl = cast(GlueCrawlerPollerJob, None)
etl = cast(GlueWorkflowPollerJob, None)
train = cast(SageMakerPipelinePollerJob, None)
inference = cast(BedrockBatchInferencePollerJob, None)
spark = cast(JobPoller, None)

# ---- README ----
presets = testing.MockPresets
outcome = testing.MockOutcome
cases = {
    # SageMaker tasks: .sync, the Describe* response or States.TaskFailed / States.Timeout
    "Processed": presets.sage_maker_processing_job(
        preprocess,
        response={
            "ProcessingOutputConfig": {
                "Outputs": [{"OutputName": "train", "S3Output": {"S3Uri": "s3://ml-data/features/train/"}}]
            }
        },
    ),
    "TuningStopped": presets.sage_maker_hyper_parameter_tuning_job(tune, outcome=outcome.STOPPED),
    "LabelingTimedOut": presets.sage_maker_labeling_job(label, outcome=outcome.TIMED_OUT),
    # the container calls back, fails, or dies
    "WorkerAnswers": presets.ecs_callback_task(work, response={"number": 2}),
    "WorkerFails": presets.ecs_callback_task(
        work, outcome=outcome.FAILED, error="BadInput", cause="number missing"
    ),
    "WorkerDies": presets.ecs_callback_task(work, outcome=outcome.STOPPED),
    # pollers: succeed after N checks, fail with a reason, time out (cancel), stop
    "BatchStuck": presets.batch_poller_job(
        batch_job, outcome=outcome.STUCK, cause="no compute environment"
    ),
    "CrawlFails": presets.glue_crawler_poller_job(
        crawl, outcome=outcome.FAILED, cause="Access denied"
    ),
    "EtlStopped": presets.glue_workflow_poller_job(etl, outcome=outcome.STOPPED, checks=3),
    "TrainingTimesOut": presets.sage_maker_pipeline_poller_job(train, outcome=outcome.TIMED_OUT),
    "InferenceSucceeds": presets.bedrock_batch_inference_poller_job(inference, checks=10),
    "SparkSucceeds": presets.job_poller(spark, checks=4),
}
